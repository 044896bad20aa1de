package io.byzerllm.client.prompt;

/**
 * The metadata of a prompt function's last call, byzerllm's {@code MetaOutput}: token counts, the
 * reasoning content, the finish reason, and {@code firstTokenTime} in seconds (0 for a blocking call).
 */
public record MetaOutput(int inputTokensCount, int generatedTokensCount, String reasoningContent,
    String finishReason, double firstTokenTime) {
  public static final MetaOutput EMPTY = new MetaOutput(0, 0, "", "", 0);

  public MetaOutput {
    reasoningContent = reasoningContent == null ? "" : reasoningContent;
    finishReason = finishReason == null ? "" : finishReason;
  }
}
