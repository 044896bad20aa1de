package io.byzerllm.worker.bge;

import io.byzerllm.deploy.InvalidSpecException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which engine runs a model, on which of its files, in which number format, and why: {@code stat}
 * shows {@code reason}.
 *
 * <p>With no {@code --infer_backend}, the choice follows the in-process benchmark recorded in
 * docs/benchmarks.md ("BGE embeddings, in-process"): on CPU, OnnxRuntime spends 2 to 3 times less CPU per
 * sentence of bge-small-zh than the PyTorch engine in fp32 at every batch size measured, so an ONNX
 * export runs on OnnxRuntime; on a GPU, and for models with only TorchScript or safetensors weights, the
 * PyTorch engine runs it. With {@code bge.precision=auto} (the default) on a CPU with bf16 instructions,
 * the PyTorch engine in bf16 may beat OnnxRuntime in fp32: such a choice has {@code precision} AUTO, and
 * the worker times both at load and keeps the faster ({@link #raced}).
 */
record EngineChoice(InferEngine engine, Weights weights, Precision precision, String reason) {
  /** Which of the model's files the engine reads. */
  enum Weights { ONNX, TORCHSCRIPT, BERT_WEIGHTS }

  /** Milliseconds per sentence of each candidate of a race, timed on the same batch, interleaved. */
  record Timings(double bf16Millis, double fp32Millis, int sentences) {}

  static EngineChoice choose(BgeModelFiles files, InferEngine requested, boolean gpu, Precision precision, CpuFlags cpu) {
    return switch (precision) {
      case INT8 -> int8(files, requested, gpu);
      case BF16 -> bf16(files, requested, gpu, cpu);
      case FP32 -> fp32(files, requested, gpu, "");
      case AUTO -> requested != null || gpu || files.onnx() == null
          ? fp32(files, requested, gpu, " (" + Precision.PARAM + "=auto: fp32, " + (requested != null
              ? "the engine is given" : gpu ? "on a GPU" : "no ONNX export to race bf16 against") + ")")
          : cpu.hasBf16()
          ? new EngineChoice(InferEngine.ONNX, Weights.ONNX, Precision.AUTO, "auto: bf16 PyTorch or fp32 OnnxRuntime, "
              + "whichever measures faster at load (CPU has " + String.join(", ", cpu.bf16Flags()) + ")")
          : fp32(files, null, false, " (" + Precision.PARAM + "=auto: fp32, bf16 not tried: the CPU has neither "
              + String.join(" nor ", CpuFlags.BF16) + ")");
    };
  }

  /**
   * The race's outcome: the candidate with fewer milliseconds per sentence, and both figures in the reason.
   * A tie keeps fp32, whose vectors are the export's own.
   */
  EngineChoice raced(Timings t) {
    String figures = String.format(Locale.ROOT, "measured at load on %d sentences: bf16 PyTorch %.2f ms/sentence, "
        + "fp32 OnnxRuntime %.2f ms/sentence", t.sentences(), t.bf16Millis(), t.fp32Millis());
    return t.bf16Millis() < t.fp32Millis()
        ? new EngineChoice(InferEngine.PYTORCH, Weights.BERT_WEIGHTS, Precision.BF16,
            "auto: bf16 PyTorch, " + figures + " (" + Precision.PARAM + "=fp32 forces fp32)")
        : new EngineChoice(InferEngine.ONNX, Weights.ONNX, Precision.FP32, "auto: fp32 OnnxRuntime, " + figures);
  }

  private static EngineChoice int8(BgeModelFiles files, InferEngine requested, boolean gpu) {
    if (requested == InferEngine.PYTORCH || files.onnx() == null || gpu) {
      throw new InvalidSpecException("--infer_params " + Precision.PARAM + "=int8 runs an ONNX export on ONNX Runtime "
          + "on CPU; " + (files.onnx() == null ? "--model_path " + files.dir() + " holds no *.onnx"
          : requested == InferEngine.PYTORCH ? "drop --infer_backend " + requested.djlName() : "use --gpus_per_worker 0")
          + ", or leave " + Precision.PARAM + " at auto or fp32");
    }
    return new EngineChoice(InferEngine.ONNX, Weights.ONNX, Precision.INT8, Precision.PARAM + "=int8: OnnxRuntime");
  }

  private static EngineChoice bf16(BgeModelFiles files, InferEngine requested, boolean gpu, CpuFlags cpu) {
    if (requested == InferEngine.ONNX) {
      throw new InvalidSpecException("--infer_params " + Precision.PARAM + "=bf16 runs on the PyTorch engine; drop "
          + "--infer_backend onnx (or use --infer_backend transformers), or use " + Precision.PARAM + "=fp32");
    }
    if (files.onnx() == null && (files.safetensors() == null || files.config() == null)) {
      throw new InvalidSpecException("--infer_params " + Precision.PARAM + "=bf16 needs BERT weights (config.json + "
          + "model.safetensors, or an ONNX export) in --model_path " + files.dir() + "; a TorchScript export runs in "
          + "fp32 only: use " + Precision.PARAM + "=fp32");
    }
    if (!gpu && !cpu.hasBf16()) {
      throw new InvalidSpecException("--infer_params " + Precision.PARAM + "=bf16 needs a CPU with the "
          + String.join(" or ", CpuFlags.BF16) + " flag, and this node's CPU has neither (" + cpu.source()
          + "); without them bf16 is emulated and slower than fp32: use " + Precision.PARAM + "=auto or fp32");
    }
    return new EngineChoice(InferEngine.PYTORCH, Weights.BERT_WEIGHTS, Precision.BF16,
        Precision.PARAM + "=bf16: PyTorch" + (gpu ? " on the GPU" : " (CPU has " + String.join(", ", cpu.bf16Flags()) + ")"));
  }

  private static EngineChoice fp32(BgeModelFiles files, InferEngine requested, boolean gpu, String why) {
    if (requested == InferEngine.ONNX) {
      if (files.onnx() == null) {
        throw new InvalidSpecException("--infer_backend onnx needs an ONNX export (*.onnx) in --model_path "
            + files.dir() + "; use --infer_backend transformers for TorchScript or safetensors weights");
      }
      return new EngineChoice(InferEngine.ONNX, Weights.ONNX, Precision.FP32, "--infer_backend onnx" + why);
    }
    if (requested == InferEngine.PYTORCH) {
      return new EngineChoice(InferEngine.PYTORCH, torchWeights(files), Precision.FP32,
          "--infer_backend transformers/pytorch" + why);
    }
    if (files.onnx() != null && !gpu) {
      return new EngineChoice(InferEngine.ONNX, Weights.ONNX, Precision.FP32,
          "auto: OnnxRuntime, measured faster than the PyTorch engine in fp32 on CPU (docs/benchmarks.md)" + why);
    }
    return new EngineChoice(InferEngine.PYTORCH, torchWeights(files), Precision.FP32, (gpu
        ? "auto: PyTorch, the engine whose CUDA build DJL runs on a GPU"
        : "auto: PyTorch, the only engine for this model's weights") + why);
  }

  EngineChoice withReason(String newReason) {
    return new EngineChoice(engine, weights, precision, newReason);
  }

  /** The file the engine loads: what makes two workers' models the same model. */
  Path weightsFile(BgeModelFiles files) {
    return switch (weights) {
      case ONNX -> files.onnx();
      case TORCHSCRIPT -> files.torchScript();
      case BERT_WEIGHTS -> files.safetensors() != null && files.config() != null ? files.safetensors() : files.onnx();
    };
  }

  private static Weights torchWeights(BgeModelFiles files) {
    return files.torchScript() != null ? Weights.TORCHSCRIPT : Weights.BERT_WEIGHTS;
  }
}
