package io.byzerllm.worker.bge;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A BERT ONNX export (inputs input_ids, attention_mask and optionally token_type_ids; first output
 * the last hidden state) on DJL's OnnxRuntime engine. One ONNX Runtime session serves every caller.
 */
final class OnnxBertEncoder implements BertEncoder {
  private final Model model;
  private final OrtSession.SessionOptions options;
  private final List<String> inputNames;
  private final long weightsBytes;
  private final String description;
  private final int dimension;

  private OnnxBertEncoder(Model model, OrtSession.SessionOptions options, List<String> inputNames, long weightsBytes,
                          String description) {
    this.model = model;
    this.options = options;
    this.inputNames = inputNames;
    this.weightsBytes = weightsBytes;
    this.description = description;
    this.dimension = clsStates(TokenBatch.of(List.of(new TokenizedText(new long[] {101, 102}, false))))[0].length;
  }

  static OnnxBertEncoder load(Path onnxFile, Device device, int threads, String precision) {
    OrtSession.SessionOptions options = sessionOptions();
    Model model = Model.newInstance("bge", device, InferEngine.ONNX.djlName());
    try {
      return DjlModelLoading.load(model, "ONNX", onnxFile, m -> {
        // One intra-op pool sized to the worker's CPU share; inter-op parallelism buys nothing for a BERT graph.
        m.load(onnxFile, null, Map.of("sessionOptions", options, "intraOpNumThreads", String.valueOf(threads),
            "interOpNumThreads", "1"));
        List<String> names = m.describeInput().keys();
        if (!names.contains("input_ids") || !names.contains("attention_mask")) {
          throw new LlmException(ErrorKind.INVALID_REQUEST, "the ONNX export " + onnxFile
              + " is not a BERT encoder (inputs " + names + "; expected input_ids, attention_mask[, token_type_ids])");
        }
        return new OnnxBertEncoder(m, options, names, Files.size(onnxFile), "OnnxRuntime on " + device + ", "
            + threads + " intra-op threads (no spinning), " + precision);
      });
    } catch (RuntimeException e) {
      options.close();
      throw e;
    }
  }

  /**
   * ONNX Runtime's intra-op threads spin between operations by default, which pays only on cores
   * nobody else wants. A worker shares its node's cores with the HTTP path and other workers: measured
   * on 2 busy cores with 2 intra-op threads (docs/benchmarks.md), spinning doubled the CPU per sentence
   * and cut the throughput to a third.
   */
  static OrtSession.SessionOptions sessionOptions() {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      return options;
    } catch (OrtException e) {
      options.close();
      throw new LlmException(ErrorKind.INTERNAL, "ONNX Runtime refused a session option: " + e.getMessage(), e);
    }
  }

  @Override
  public float[][] clsStates(TokenBatch batch) {
    Shape shape = new Shape(batch.size(), batch.length());
    try (NDManager manager = model.getNDManager().newSubManager();
         Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
      NDList inputs = new NDList();
      for (String name : inputNames) {
        long[] data = switch (name) {
          case "input_ids" -> batch.ids();
          case "attention_mask" -> batch.mask();
          case "token_type_ids" -> batch.typeIds();
          default -> throw new LlmException(ErrorKind.INTERNAL, "the ONNX export wants an unknown input '" + name + "'");
        };
        NDArray array = manager.create(data, shape);
        array.setName(name);
        inputs.add(array);
      }
      NDList outputs = predictor.predict(inputs);
      float[] hidden = outputs.get(0).toFloatArray();
      return clsRows(hidden, batch.size(), batch.length());
    } catch (TranslateException e) {
      throw new LlmException(ErrorKind.INTERNAL, "ONNX Runtime forward pass failed: " + e.getMessage(), e);
    }
  }

  /** Picks position 0 of each row out of a row-major [size, length, hidden] array. */
  private static float[][] clsRows(float[] hidden, int size, int length) {
    int h = hidden.length / (size * length);
    float[][] out = new float[size][];
    for (int row = 0; row < size; row++) {
      out[row] = new float[h];
      System.arraycopy(hidden, row * length * h, out[row], 0, h);
    }
    return out;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public long weightsBytes() {
    return weightsBytes;
  }

  @Override
  public String engineDescription() {
    return description;
  }

  @Override
  public void close() {
    try {
      model.close();
    } finally {
      options.close();
    }
  }
}
