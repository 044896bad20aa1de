package io.byzerllm.worker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One piece of a streamed answer: new text, new reasoning text, and, on the last pieces, the finish
 * reason and the usage. Any field may be null.
 */
public record ChatDelta(String content, String reasoningContent, String finishReason, Usage usage, JsonNode toolCalls) {
  public ChatDelta {
    // Jackson reads an absent JsonNode back as NullNode: keep "no tool calls" null across nodes
    toolCalls = toolCalls == null || toolCalls.isNull() ? null : toolCalls;
  }

  public static ChatDelta text(String content) {
    return new ChatDelta(content, null, null, null, null);
  }
}
