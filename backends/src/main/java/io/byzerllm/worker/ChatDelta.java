package io.byzerllm.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One piece of a streamed answer: new text, new reasoning text, and, on the last pieces, the finish
 * reason and the usage. Any field may be null. {@code thinkingBlocks} are fragments of Anthropic's
 * thinking blocks as LiteLLM streams them: a thinking piece, then {@code {"thinking":"","signature":...}}
 * when the block's signature arrives; a redacted block whole.
 */
public record ChatDelta(String content, String reasoningContent, String finishReason, Usage usage, JsonNode toolCalls,
                        JsonNode thinkingBlocks) {
  public ChatDelta {
    // Jackson reads an absent JsonNode back as NullNode: keep "no tool calls" null across nodes
    toolCalls = toolCalls == null || toolCalls.isNull() ? null : toolCalls;
    thinkingBlocks = thinkingBlocks == null || thinkingBlocks.isNull() ? null : thinkingBlocks;
  }

  public ChatDelta(String content, String reasoningContent, String finishReason, Usage usage, JsonNode toolCalls) {
    this(content, reasoningContent, finishReason, usage, toolCalls, null);
  }

  public static ChatDelta text(String content) {
    return new ChatDelta(content, null, null, null, null);
  }
}
