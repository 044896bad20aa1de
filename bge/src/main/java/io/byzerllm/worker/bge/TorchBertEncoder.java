package io.byzerllm.worker.bge;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BERT's forward pass on the PyTorch engine: embeddings and layer norm, then N encoder layers of
 * masked multi-head self-attention and an exact-GELU feed-forward, each with a residual layer norm.
 * Only the [CLS] row of the last layer is computed, because that is all BGE pools. In
 * {@link Precision#BF16} the matrix multiplies run in bfloat16 (where oneDNN uses the CPU's AVX-512
 * BF16 or AMX instructions); the embeddings, softmax, layer norms and the returned [CLS] state stay fp32.
 *
 * <p>The pass is one call into a TorchScript module compiled at load from {@link #FORWARD}: written as
 * DJL NDArray operations it cost about 100 JNI crossings, Java objects and manager attachments per pass,
 * which at a batch of 1 to 4 short sentences weighed as much as the arithmetic. The weights live in one
 * manager for the encoder's lifetime and are only read; each pass works in a sub-manager that it closes,
 * so concurrent passes need no lock.
 */
final class TorchBertEncoder implements BertEncoder {
  private static final Logger LOG = LoggerFactory.getLogger(TorchBertEncoder.class);
  /** The pass size oneDNN's weight layout is chosen for: about what a batching thread's pass holds. */
  private static final long PACKED_FOR_ROWS = 256;
  /**
   * BERT's forward pass in TorchScript, for the CLS row only: {@code w} holds the embeddings (words,
   * positions, token types, layer norm), then 12 tensors per layer ({@link TorchEncoderLayer#scriptWeights}),
   * then the last layer's query weights and key/value weights apart ({@link #PREPARE}).
   * Token types are all 0 (single sentences). With {@code bf16} the Linear weights are already bf16 and each
   * matmul's input is cast (15 is libtorch's BFloat16); the residual stream, softmax and the layer norms stay
   * fp32 (6), since a bf16 matmul output plus an fp32 tensor is fp32. The last layer computes queries for
   * [CLS] alone.
   *
   * <p>Padding is computed only where it must be: the residual stream holds the batch's real tokens
   * packed one after another ({@code [tokens, hidden]}), so every Linear projection, GELU and layer norm
   * works on real tokens only; attention alone spreads keys and values over {@code [batch, length]}, with
   * the mask hiding the padding. A pass of texts of different lengths then costs about what their tokens
   * cost, and {@link EmbeddingBatcher} need not split a round into passes of similar lengths.
   *
   * <p>With {@code packed} the Linear weights are oneDNN's own blocked copies ({@link #PREPARE}) and each
   * projection is one oneDNN call with the GELU fused in: {@code torch.linear} would reorder the whole weight
   * matrix on every call, which for a pass of a few short sentences costs as much as the multiply.
   *
   * <p>With {@code fused} attention is PyTorch's fused kernel ({@code scaled_dot_product_attention}), which
   * reads the heads in place and never materializes the attention probabilities (the query is already scaled:
   * scale 1): the faster for a text alone. Without it, attention is two batched matrix multiplies around a
   * softmax, which oneDNN runs in bf16 where the fused kernel's bf16 products go to MKL's generic path on AMD
   * CPUs: the cheaper for passes of several texts (docs/benchmarks.md). {@code hide} keeps attention off the
   * padding: the fused kernel's boolean mask, or -10000 added to the padding's scores.
   */
  static final String FORWARD = """
        def forward(self: __torch__.Bert,
          ids: Tensor,
          mask: Tensor,
          w: List[Tensor],
          heads: int,
          eps: float,
          bf16: bool,
          packed: bool,
          fused: bool) -> Tensor:
          batch = ids.size(0)
          length = ids.size(1)
          hidden = w[0].size(1)
          size = hidden // heads
          real = torch.nonzero(mask.view(batch * length)).view(-1)
          padded = real.size(0) < batch * length
          lengths = mask.sum(1)
          cls = torch.cumsum(lengths, 0) - lengths
          x = torch.embedding(w[0], ids.view(batch * length)[real]) + torch.embedding(w[1], real % length) + w[2][0]
          x = torch.layer_norm(x, [hidden], w[3], w[4], eps)
          hide = torch.gt(mask.view(batch, 1, 1, length), 0)
          if not fused:
            hide = ((torch.to(mask, 6) - 1.0) * 10000.0).view(batch, 1, 1, length)
          layers = (len(w) - 7) // 12
          for i in range(layers):
            k = 5 + 12 * i
            h = x
            if bf16:
              h = torch.to(x, 15)
            last = i == layers - 1
            if last:
              q = self.linear(h[cls], w[len(w) - 2], w[k + 1][0:hidden], packed, False)
              kv = self.linear(h, w[len(w) - 1], w[k + 1][hidden:], packed, False)
              query = x[cls]
              n = 1
            else:
              kv = self.linear(h, w[k], w[k + 1], packed, False)
              q = kv
              query = x
              n = length
            if padded:
              kv = torch.index_copy(kv.new_zeros([batch * length, kv.size(1)]), 0, real, kv)
            kv = kv.view(batch, length, kv.size(1))
            if not last:
              q = kv[:, :, 0:hidden]
              kv = kv[:, :, hidden:]
            q = q.view(batch, n, heads, size).transpose(1, 2)
            key = kv[:, :, 0:hidden].view(batch, length, heads, size).transpose(1, 2)
            value = kv[:, :, hidden:].view(batch, length, heads, size).transpose(1, 2)
            if fused:
              context = torch.scaled_dot_product_attention(q, key, value, hide, 0., False, scale=1.)
            else:
              p = torch.softmax(torch.matmul(q, key.transpose(2, 3)) + hide, -1)
              if bf16:
                p = torch.to(p, 15)
              context = torch.matmul(p, value)
            context = context.transpose(1, 2).reshape(batch * n, hidden)
            if not last and padded:
              context = context[real]
            a = torch.layer_norm(self.linear(context, w[k + 2], w[k + 3], packed, False) + query, [hidden],
                w[k + 4], w[k + 5], eps)
            ha = a
            if bf16:
              ha = torch.to(a, 15)
            f = self.linear(ha, w[k + 6], w[k + 7], packed, True)
            x = torch.layer_norm(self.linear(f, w[k + 8], w[k + 9], packed, False) + a, [hidden], w[k + 10], w[k + 11],
                eps)
          return x.contiguous()

        def linear(self: __torch__.Bert,
          x: Tensor,
          weight: Tensor,
          bias: Tensor,
          packed: bool,
          gelu: bool) -> Tensor:
          if packed:
            if gelu:
              return ops.mkldnn._linear_pointwise(x, weight, bias, "gelu", annotate(List[Optional[number]], []), "none")
            return ops.mkldnn._linear_pointwise(x, weight, bias, "none", annotate(List[Optional[number]], []), "")
          y = torch.linear(x, weight, bias)
          if gelu:
            y = torch.gelu(y)
          return y
      """;
  /**
   * The weights as {@link #FORWARD} takes them: the last layer's fused query/key/value weights split into the
   * query's and the keys' and values' (it projects queries for [CLS] alone), and with {@code packed} every
   * Linear weight reordered once into oneDNN's blocked layout for passes of about {@code rows} tokens (the
   * layout suits any number of rows; the hint picks the blocking).
   */
  static final String PREPARE = """
        def forward(self: __torch__.BertWeightsPrep,
          w: List[Tensor],
          hidden: int,
          rows: int,
          packed: bool) -> List[Tensor]:
          k = len(w) - 12
          out = annotate(List[Tensor], [])
          for t in w + [w[k][0:hidden], w[k][hidden:]]:
            i = len(out)
            linear = i >= len(w) or (i >= 5 and (i - 5) % 12 in [0, 2, 6, 8])
            if packed and linear:
              t = ops.mkldnn._reorder_linear_weight(t.contiguous(), rows)
            out.append(t)
          return out
      """;
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
  /** The forward pass as one TorchScript call: libtorch runs the ~100 operations without a JNI crossing each. */
  private final PtSymbolBlock script;
  /** Held for the encoder's lifetime and passed to every call: the weights in {@link #FORWARD}'s order, and its settings. */
  private final IValue scriptWeights;
  private final IValue heads;
  private final IValue eps;
  private final IValue inBf16;
  /** The Linear weights are oneDNN's packed copies (on CPU). */
  private final boolean packed;
  private final IValue inPacked;
  private final IValue fusedAttention = IValue.from(true);
  private final IValue matmulAttention = IValue.from(false);
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
    List<PtNDArray> ordered = new ArrayList<>();
    for (NDArray a : new NDArray[] {words, positions, tokenTypes, embeddingNormWeight, embeddingNormBias}) {
      ordered.add((PtNDArray) a);
    }
    for (TorchEncoderLayer layer : layers) {
      layer.scriptWeights().forEach(a -> ordered.add((PtNDArray) a));
    }
    this.script = TorchScriptModule.load(weightsManager, "Bert", FORWARD);
    boolean packOnCpu = !device.isGpu();
    IValue prepared;
    try {
      prepared = prepare(ordered, packOnCpu);
    } catch (RuntimeException e) {
      // oneDNN's ops come with DJL's x86-64 CPU builds of libtorch; a build without them runs torch.linear.
      LOG.warn("oneDNN's packed Linear weights are not available in this libtorch; using torch.linear: {}",
          e.getMessage());
      packOnCpu = false;
      prepared = prepare(ordered, false);
    }
    this.packed = packOnCpu;
    this.scriptWeights = prepared;
    if (packed) {
      for (TorchEncoderLayer layer : layers) {
        layer.closeLinearWeights(); // only their packed copies are read
      }
    }
    this.heads = IValue.from((long) config.heads());
    this.eps = IValue.from(config.layerNormEps());
    this.inBf16 = IValue.from(bf16 != null);
    this.inPacked = IValue.from(packed);
    this.weightsBytes = bf16 == null ? weights.bytes() : weights.bytes() - linearElements(weights) * 2;
    this.description = "PyTorch on " + device + ", BERT forward pass in one TorchScript call (" + config.layers()
        + " layers, " + config.heads() + " heads)" + (precision == Precision.BF16
        ? ", bf16 matrix multiplies (weights cast at load), fp32 layer norms" : "")
        + (packed ? ", Linear weights packed for oneDNN" : "") + ", weights from " + weights.origin();
  }

  /** The weights in {@link #FORWARD}'s order ({@link #PREPARE}): packed for oneDNN with {@code packed}. */
  private IValue prepare(List<PtNDArray> ordered, boolean packed) {
    PtSymbolBlock prep = TorchScriptModule.load(weightsManager, "BertWeightsPrep", PREPARE);
    try (IValue w = IValue.listFrom(ordered.toArray(PtNDArray[]::new));
         IValue hidden = IValue.from((long) config.hidden());
         IValue rows = IValue.from(PACKED_FOR_ROWS);
         IValue pack = IValue.from(packed)) {
      return prep.forward(w, hidden, rows, pack);
    } finally {
      prep.close();
    }
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
    return clsStates(batch, false);
  }

  /** One pass; {@code fusedAttention}: PyTorch's fused attention kernel, the faster for a text alone. */
  private float[][] clsStates(TokenBatch batch, boolean fusedAttention) {
    int size = batch.size();
    int length = batch.length();
    // Autograd's switch is per thread and DJL turns it off only on the thread that started the engine. The
    // graph executor's optimizer (per thread too) profiles and re-specializes the script for each new input
    // shape; every pass has another batch size and length, so it would recompile instead of run.
    JniUtils.setGradMode(false);
    JniUtils.setGraphExecutorOptimize(false);
    try (NDManager pass = weightsManager.newSubManager()) {
      Shape shape = new Shape(size, length);
      float[] flat;
      try (IValue ids = IValue.from((PtNDArray) pass.create(batch.ids(), shape));
           IValue mask = IValue.from((PtNDArray) pass.create(batch.mask(), shape));
           IValue cls = script.forward(ids, mask, scriptWeights, heads, eps, inBf16, inPacked,
               fusedAttention ? this.fusedAttention : matmulAttention)) {
        flat = cls.toTensor((PtNDManager) pass).toFloatArray();
      }
      float[][] out = new float[size][config.hidden()];
      for (int row = 0; row < size; row++) {
        System.arraycopy(flat, row * config.hidden(), out[row], 0, config.hidden());
      }
      return out;
    }
  }

  @Override
  public boolean computesPadding() {
    return false;
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

  /**
   * This encoder for a text alone on an idle worker: its pass spread over {@code threads} intra-op threads.
   * Passes side by side run on one thread each, which costs least CPU per sentence under load; a pass alone on
   * all the worker's threads answers its caller sooner (docs/benchmarks.md). PyTorch's thread count is
   * OpenMP's, per calling thread: set for the pass and set back after it. Its attention is the fused kernel.
   * Shares this encoder's weights and does not close them.
   */
  BertEncoder spreadOver(int threads) {
    TorchBertEncoder encoder = this;
    return new BertEncoder() {
      @Override
      public float[][] clsStates(TokenBatch batch) {
        int before = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
        try {
          return encoder.clsStates(batch, true);
        } finally {
          JniUtils.setNumThreads(before);
        }
      }

      @Override
      public boolean computesPadding() {
        return false;
      }

      @Override
      public int dimension() {
        return encoder.dimension();
      }

      @Override
      public long weightsBytes() {
        return 0;
      }

      @Override
      public String engineDescription() {
        return encoder.engineDescription() + ", fused attention, one pass over " + threads + " intra-op threads";
      }

      @Override
      public void close() {}
    };
  }

  int maxPositions() {
    return config.maxPositions();
  }

  @Override
  public void close() {
    try {
      for (IValue v : new IValue[] {scriptWeights, heads, eps, inBf16, inPacked, fusedAttention, matmulAttention}) {
        v.close();
      }
      script.close();
      if (bf16 != null) {
        bf16.close();
      }
    } finally {
      weightsManager.close();
    }
  }
}
