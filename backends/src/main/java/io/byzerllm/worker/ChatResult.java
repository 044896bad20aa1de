package io.byzerllm.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A finished chat completion. {@code toolCalls} is the provider's {@code tool_calls} array when the
 * model chose tools natively, else null. {@code firstTokenMillis} is 0 for a call that did not stream.
 * {@code thinkingBlocks} is Anthropic's thinking and redacted thinking blocks, signatures included, in
 * their order (LiteLLM's {@code thinking_blocks}), or null: a caller sends them back to continue a tool loop.
 */
public record ChatResult(
    String requestId,
    String content,
    String reasoningContent,
    String finishReason,
    Usage usage,
    String upstreamModel,
    JsonNode toolCalls,
    double firstTokenMillis,
    JsonNode thinkingBlocks) {

  public ChatResult {
    content = content == null ? "" : content;
    usage = usage == null ? Usage.NONE : usage;
    toolCalls = toolCalls == null || toolCalls.isNull() ? null : toolCalls; // as ChatDelta's, across nodes
    thinkingBlocks = thinkingBlocks == null || thinkingBlocks.isNull() ? null : thinkingBlocks;
  }

  public ChatResult(String requestId, String content, String reasoningContent, String finishReason, Usage usage,
                    String upstreamModel, JsonNode toolCalls, double firstTokenMillis) {
    this(requestId, content, reasoningContent, finishReason, usage, upstreamModel, toolCalls, firstTokenMillis, null);
  }
}
