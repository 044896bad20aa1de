package io.byzerllm.worker;

/** Token counts as the provider (or the local tokenizer) reported them. */
public record Usage(int promptTokens, int completionTokens) {
  public static final Usage NONE = new Usage(0, 0);

  public int totalTokens() {
    return promptTokens + completionTokens;
  }
}
