package io.byzerllm.worker.bge;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.jni.JniUtils;

/**
 * BERT's forward pass written with DJL NDArray operations on the PyTorch engine: embeddings and
 * layer norm, then N encoder layers of masked multi-head self-attention and an exact-GELU
 * feed-forward, each with a residual layer norm. Only the [CLS] row of the last layer is computed,
 * because that is all BGE pools. In {@link Precision#BF16} the matrix multiplies run in bfloat16
 * ({@link TorchEncoderLayer}); the embeddings, layer norms and the returned [CLS] state stay fp32.
 *
 * <p>The weights live in one manager for the encoder's lifetime and are only read; each pass works
 * in a sub-manager that it closes, so concurrent passes need no lock. Every operation is called on a
 * per-pass array, never on a weight, so that results attach to the pass's manager.
 */
final class TorchBertEncoder implements BertEncoder {
  private final NDManager weightsManager;
  private final BertConfig config;
  /** Null in fp32. */
  private final TorchBf16Cast bf16;
  private final NDArray words;
  private final NDArray positions;
  private final NDArray tokenTypes;
  private final NDArray embeddingNormWeight;
  private final NDArray embeddingNormBias;
  private final TorchEncoderLayer[] layers;
  private final long weightsBytes;
  private final String description;

  private TorchBertEncoder(NDManager weightsManager, BertWeights weights, Device device, Precision precision) {
    this.weightsManager = weightsManager;
    this.config = weights.config();
    this.bf16 = precision == Precision.BF16 ? new TorchBf16Cast(weightsManager) : null;
    this.words = load(weights, "embeddings.word_embeddings.weight");
    this.positions = load(weights, "embeddings.position_embeddings.weight");
    this.tokenTypes = load(weights, "embeddings.token_type_embeddings.weight");
    this.embeddingNormWeight = load(weights, "embeddings.LayerNorm.weight");
    this.embeddingNormBias = load(weights, "embeddings.LayerNorm.bias");
    this.layers = new TorchEncoderLayer[config.layers()];
    for (int i = 0; i < layers.length; i++) {
      String prefix = "encoder.layer." + i + ".";
      layers[i] = new TorchEncoderLayer(config, bf16, name -> load(weights, prefix + name));
    }
    this.weightsBytes = bf16 == null ? weights.bytes() : weights.bytes() - linearElements(weights) * 2;
    this.description = "PyTorch on " + device + ", BERT forward pass in NDArray operations (" + config.layers()
        + " layers, " + config.heads() + " heads)" + (precision == Precision.BF16
        ? ", bf16 matrix multiplies (weights cast at load), fp32 layer norms" : "") + ", weights from " + weights.origin();
  }

  /** Parameters of the encoder layers' Linear projections: what bf16 stores in 2 bytes instead of 4. */
  private static long linearElements(BertWeights weights) {
    return weights.tensors().entrySet().stream()
        .filter(e -> e.getKey().startsWith("encoder.layer.") && !e.getKey().contains("LayerNorm"))
        .mapToLong(e -> e.getValue().elements()).sum();
  }

  /**
   * Copies the weights onto {@code device}, cast for {@code precision} (FP32 or BF16); the caller closes
   * the encoder to free them.
   */
  static TorchBertEncoder load(BertWeights weights, Device device, Precision precision) {
    if (precision != Precision.FP32 && precision != Precision.BF16) {
      throw new IllegalArgumentException("the PyTorch forward pass runs in fp32 or bf16, not " + precision.word());
    }
    NDManager manager = NDManager.newBaseManager(device, InferEngine.PYTORCH.djlName());
    try {
      return new TorchBertEncoder(manager, weights, device, precision);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private NDArray load(BertWeights weights, String name) {
    FloatTensor t = weights.tensor(name);
    return weightsManager.create(t.data().duplicate(), new Shape(t.shape()), DataType.FLOAT32);
  }

  @Override
  public float[][] clsStates(TokenBatch batch) {
    int size = batch.size();
    int length = batch.length();
    // Autograd's switch is per thread and DJL turns it off only on the thread that started the engine.
    JniUtils.setGradMode(false);
    try (NDManager pass = weightsManager.newSubManager()) {
      Shape shape = new Shape(size, length);
      NDArray x = embed(pass, pass.create(batch.ids(), shape), pass.create(batch.typeIds(), shape), length);
      // 0 where a token is real, -10000 where it is padding: added to attention scores before softmax.
      NDArray maskBias = pass.create(batch.mask(), shape).toType(DataType.FLOAT32, false)
          .sub(1f).mul(10000f).reshape(size, 1, 1, length);
      for (int i = 0; i < layers.length; i++) {
        boolean last = i == layers.length - 1;
        x = layers[i].forward(x, maskBias, last);
      }
      float[] flat = x.reshape(size, config.hidden()).toFloatArray();
      float[][] out = new float[size][config.hidden()];
      for (int row = 0; row < size; row++) {
        System.arraycopy(flat, row * config.hidden(), out[row], 0, config.hidden());
      }
      return out;
    }
  }

  private NDArray embed(NDManager pass, NDArray ids, NDArray typeIds, int length) {
    long[] positionIds = new long[length];
    for (int i = 0; i < length; i++) {
      positionIds[i] = i;
    }
    NDArray positionRows = pass.create(positionIds);
    NDArray sum = ids.getNDArrayInternal().embedding(ids, words, SparseFormat.DENSE).singletonOrThrow()
        .add(typeIds.getNDArrayInternal().embedding(typeIds, tokenTypes, SparseFormat.DENSE).singletonOrThrow())
        .add(positionRows.getNDArrayInternal().embedding(positionRows, positions, SparseFormat.DENSE).singletonOrThrow());
    return TorchEncoderLayer.layerNorm(sum, embeddingNormWeight, embeddingNormBias, config);
  }

  @Override
  public int dimension() {
    return config.hidden();
  }

  @Override
  public long weightsBytes() {
    return weightsBytes;
  }

  @Override
  public String engineDescription() {
    return description;
  }

  int maxPositions() {
    return config.maxPositions();
  }

  @Override
  public void close() {
    try {
      if (bf16 != null) {
        bf16.close();
      }
    } finally {
      weightsManager.close();
    }
  }
}
