package io.byzerllm.worker.bge;

import io.byzerllm.deploy.InvalidSpecException;
import java.nio.file.Path;

/**
 * Which engine runs a model and on which of its files, and why: {@code stat} shows {@code reason}.
 *
 * <p>With no {@code --infer_backend}, the choice follows the in-process benchmark recorded in
 * docs/benchmarks.md ("BGE embeddings, in-process"): on CPU, OnnxRuntime spends 2 to 3 times less CPU per
 * sentence of bge-small-zh than the PyTorch engine at every batch size measured, so an ONNX export runs
 * on OnnxRuntime; on a GPU, and
 * for models with only TorchScript or safetensors weights, the PyTorch engine runs it.
 */
record EngineChoice(InferEngine engine, Weights weights, String reason) {
  /** Which of the model's files the engine reads. */
  enum Weights { ONNX, TORCHSCRIPT, BERT_WEIGHTS }

  static EngineChoice choose(BgeModelFiles files, InferEngine requested, boolean gpu, Precision precision) {
    if (precision == Precision.INT8) {
      if (requested == InferEngine.PYTORCH || files.onnx() == null || gpu) {
        throw new InvalidSpecException("--infer_params " + Precision.PARAM + "=int8 runs an ONNX export on ONNX Runtime "
            + "on CPU; " + (files.onnx() == null ? "--model_path " + files.dir() + " holds no *.onnx"
            : requested == InferEngine.PYTORCH ? "drop --infer_backend " + requested.djlName() : "use --gpus_per_worker 0")
            + ", or leave " + Precision.PARAM + " at fp32");
      }
      return new EngineChoice(InferEngine.ONNX, Weights.ONNX, Precision.PARAM + "=int8: OnnxRuntime");
    }
    if (requested == InferEngine.ONNX) {
      if (files.onnx() == null) {
        throw new InvalidSpecException("--infer_backend onnx needs an ONNX export (*.onnx) in --model_path "
            + files.dir() + "; use --infer_backend transformers for TorchScript or safetensors weights");
      }
      return new EngineChoice(InferEngine.ONNX, Weights.ONNX, "--infer_backend onnx");
    }
    if (requested == InferEngine.PYTORCH) {
      return new EngineChoice(InferEngine.PYTORCH, torchWeights(files), "--infer_backend transformers/pytorch");
    }
    if (files.onnx() != null && !gpu) {
      return new EngineChoice(InferEngine.ONNX, Weights.ONNX,
          "auto: OnnxRuntime, measured faster than the PyTorch engine on CPU (docs/benchmarks.md)");
    }
    return new EngineChoice(InferEngine.PYTORCH, torchWeights(files), gpu
        ? "auto: PyTorch, the engine whose CUDA build DJL runs on a GPU"
        : "auto: PyTorch, the only engine for this model's weights");
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
