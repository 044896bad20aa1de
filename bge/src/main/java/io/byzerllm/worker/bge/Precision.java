package io.byzerllm.worker.bge;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import java.util.Locale;

/**
 * The number format of a BGE worker's forward pass: {@code --infer_params bge.precision=auto|fp32|bf16|int8}.
 * {@code auto}, the default, becomes one of the others at load ({@link PrecisionRace}).
 */
enum Precision {
  /** fp32 where the CPU has bf16 instructions and bf16 measures faster at load; fp32 everywhere else. */
  AUTO("auto"),
  /** The export as it is: the same vectors on every machine, bit for bit on one build of the engine. */
  FP32("fp32"),
  /** Matrix multiplies in bfloat16 on the PyTorch engine (weights cast once at load); layer norms in fp32. */
  BF16("bf16"),
  /** MatMul weights quantized to int8 at load ({@link Int8OnnxExport}), activations quantized per call. */
  INT8("int8");

  static final String PARAM = ModelSpec.BGE_PRECISION;

  private final String word;

  Precision(String word) {
    this.word = word;
  }

  String word() {
    return word;
  }

  /** Told apart in the loaded-model key: the int8 or bf16 variant of a file is another model. */
  String fileSuffix() {
    return this == FP32 ? "" : "#" + word;
  }

  /** The spec's precision; its words were checked when the spec was made ({@link ModelSpec#BGE_PRECISIONS}). */
  static Precision from(ModelSpec spec) {
    String raw = spec.param(PARAM, AUTO.word).trim().toLowerCase(Locale.ROOT);
    for (Precision p : values()) {
      if (p.word.equals(raw)) {
        return p;
      }
    }
    throw new InvalidSpecException("--infer_params " + PARAM + " must be one of " + ModelSpec.BGE_PRECISIONS
        + " (got '" + raw + "')");
  }
}
