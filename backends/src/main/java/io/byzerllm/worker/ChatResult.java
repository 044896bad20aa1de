package io.byzerllm.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A finished chat completion. {@code toolCalls} is the provider's {@code tool_calls} array when the
 * model chose tools natively, else null. {@code firstTokenMillis} is 0 for a call that did not stream.
 */
public record ChatResult(
    String requestId,
    String content,
    String reasoningContent,
    String finishReason,
    Usage usage,
    String upstreamModel,
    JsonNode toolCalls,
    double firstTokenMillis) {

  public ChatResult {
    content = content == null ? "" : content;
    usage = usage == null ? Usage.NONE : usage;
    toolCalls = toolCalls == null || toolCalls.isNull() ? null : toolCalls; // as ChatDelta's, across nodes
  }
}
