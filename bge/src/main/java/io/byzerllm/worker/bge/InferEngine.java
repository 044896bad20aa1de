package io.byzerllm.worker.bge;

import io.byzerllm.deploy.InvalidSpecException;
import java.util.List;
import java.util.Locale;

/** The DJL engine a BGE worker runs its forward pass on, chosen by {@code --infer_backend}. */
public enum InferEngine {
  /** DJL's PyTorch engine: a TorchScript export, or the BERT forward pass compiled at load from our own TorchScript. */
  PYTORCH("PyTorch", List.of("transformers", "pytorch")),
  /** DJL's OnnxRuntime engine on an ONNX export. */
  ONNX("OnnxRuntime", List.of("onnx"));

  private final String djlName;
  private final List<String> words;

  InferEngine(String djlName, List<String> words) {
    this.djlName = djlName;
    this.words = words;
  }

  /** The engine name DJL's {@code Engine.getEngine} knows. */
  public String djlName() {
    return djlName;
  }

  /**
   * Parses {@code --infer_backend}; blank means "choose for me" and yields null. byzerllm's word
   * {@code transformers} means the PyTorch engine.
   */
  public static InferEngine parseOrAuto(String text) {
    String word = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (word.isEmpty() || word.equals("auto")) {
      return null;
    }
    for (InferEngine e : values()) {
      if (e.words.contains(word)) {
        return e;
      }
    }
    throw new InvalidSpecException("--infer_backend '" + text + "' is not supported for custom/bge; use one of "
        + "transformers, pytorch, onnx (or leave it out to let the worker choose)");
  }
}
