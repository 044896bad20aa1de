package io.byzerllm.client;

import java.util.Map;

/**
 * What byzerllm's streaming yields next to each text: token counts (0 until the final usage event
 * arrives), the reasoning content (a delta or cumulative, as the text), the finish reason (empty until
 * the last chunk), {@code firstTokenTime} in seconds from sending the request to the first token, and
 * {@code extraInfo} (e.g. {@code request_id}).
 */
public record SingleOutputMeta(int inputTokensCount, int generatedTokensCount, String reasoningContent,
    String finishReason, double firstTokenTime, Map<String, Object> extraInfo) {
  public SingleOutputMeta {
    reasoningContent = reasoningContent == null ? "" : reasoningContent;
    finishReason = finishReason == null ? "" : finishReason;
    extraInfo = extraInfo == null ? Map.of() : Map.copyOf(extraInfo);
  }
}
