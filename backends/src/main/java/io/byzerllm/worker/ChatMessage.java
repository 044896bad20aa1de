package io.byzerllm.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * One message of a conversation. {@code content} is a JSON string, or an array of OpenAI content
 * parts ({@code text}, {@code image_url}, ...). {@code prefix} marks a trailing assistant message
 * that the model must continue (chat prefix completion). {@code toolCalls} is an assistant
 * message's OpenAI {@code tool_calls} array (null when it called none); {@code toolCallId} is the
 * call a {@code tool} message answers. Wires translate both to their provider's shape.
 * {@code thinkingBlocks} is an assistant message's {@code thinking_blocks} (LiteLLM's convention:
 * Anthropic's {@code thinking}/{@code redacted_thinking} blocks as an earlier answer carried them),
 * which Claude needs back unchanged before the tool calls of a tool loop; other wires ignore it.
 */
public record ChatMessage(String role, JsonNode content, String name, boolean prefix, JsonNode toolCalls,
                          String toolCallId, JsonNode thinkingBlocks) {
  public ChatMessage {
    if (role == null || role.isBlank()) {
      throw new IllegalArgumentException("a message needs a role");
    }
    content = content == null ? TextNode.valueOf("") : content;
    toolCalls = toolCalls == null || toolCalls.isNull() ? null : toolCalls; // as ChatDelta's, across nodes
    thinkingBlocks = thinkingBlocks == null || thinkingBlocks.isNull() ? null : thinkingBlocks;
  }

  public ChatMessage(String role, JsonNode content, String name, boolean prefix, JsonNode toolCalls, String toolCallId) {
    this(role, content, name, prefix, toolCalls, toolCallId, null);
  }

  public ChatMessage(String role, JsonNode content, String name, boolean prefix) {
    this(role, content, name, prefix, null, null, null);
  }

  public static ChatMessage of(String role, String text) {
    return new ChatMessage(role, TextNode.valueOf(text), null, false);
  }

  /** The content as plain text: the string itself, or the text parts joined. */
  public String text() {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode part : content) {
      if (part.has("text")) {
        sb.append(part.get("text").asText());
      }
    }
    return sb.toString();
  }
}
