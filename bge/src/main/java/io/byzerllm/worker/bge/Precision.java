package io.byzerllm.worker.bge;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import java.util.Locale;

/** The number format of a BGE worker's weights: {@code --infer_params bge.precision=fp32|int8}. */
enum Precision {
  /** The export as it is. */
  FP32("fp32"),
  /** MatMul weights quantized to int8 at load ({@link Int8OnnxExport}), activations quantized per call. */
  INT8("int8");

  static final String PARAM = "bge.precision";

  private final String word;

  Precision(String word) {
    this.word = word;
  }

  String word() {
    return word;
  }

  /** Told apart in the loaded-model key: the int8 variant of a file is another model. */
  String fileSuffix() {
    return this == FP32 ? "" : "#" + word;
  }

  static Precision from(ModelSpec spec) {
    String raw = spec.param(PARAM, FP32.word).trim().toLowerCase(Locale.ROOT);
    for (Precision p : values()) {
      if (p.word.equals(raw)) {
        return p;
      }
    }
    throw new InvalidSpecException("--infer_params " + PARAM + " must be fp32 or int8 (got '" + raw + "')");
  }
}
