package io.byzerllm.lite;

/** byzerllm's {@code product_mode}: where {@link ModelRegistry#getSingleLlm} finds the models. */
public enum ProductMode {
  /** In this JVM, from the model registry {@code $LLM_HOME/models.json}: no cluster. */
  LITE,
  /** On a node ({@code $LLM_ADDRESS}, else {@code http://127.0.0.1:8000}), where the models must be deployed. */
  PRO
}
