package io.byzerllm.worker.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.Usage;

/** OpenAI's {@code chat.completion} and {@code chat.completion.chunk} bodies. */
public final class ChatResponses {
  private ChatResponses() {}

  public static ObjectNode completion(String id, String model, long created, ChatResult r) {
    ObjectNode message = JsonTrees.MAPPER.createObjectNode();
    message.put("role", "assistant");
    message.put("content", r.content());
    if (r.reasoningContent() != null) {
      message.put("reasoning_content", r.reasoningContent());
    }
    if (r.toolCalls() != null && !r.toolCalls().isNull()) {
      message.set("tool_calls", r.toolCalls());
    }
    if (r.thinkingBlocks() != null) {
      message.set("thinking_blocks", r.thinkingBlocks());
    }
    ObjectNode choice = JsonTrees.MAPPER.createObjectNode();
    choice.put("index", 0);
    choice.set("message", message);
    choice.put("finish_reason", r.finishReason() == null ? "stop" : r.finishReason());
    ObjectNode root = envelope(id, "chat.completion", model, created);
    root.putArray("choices").add(choice);
    root.set("usage", usage(r.usage()));
    return root;
  }

  public static ObjectNode chunk(String id, String model, long created, ChatDelta d, boolean first) {
    ObjectNode delta = JsonTrees.MAPPER.createObjectNode();
    if (first) {
      delta.put("role", "assistant");
    }
    if (d.content() != null) {
      delta.put("content", d.content());
    }
    if (d.reasoningContent() != null) {
      delta.put("reasoning_content", d.reasoningContent());
    }
    if (d.toolCalls() != null && !d.toolCalls().isNull()) {
      delta.set("tool_calls", d.toolCalls());
    }
    if (d.thinkingBlocks() != null) {
      delta.set("thinking_blocks", d.thinkingBlocks());
    }
    ObjectNode choice = JsonTrees.MAPPER.createObjectNode();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.put("finish_reason", d.finishReason());
    ObjectNode root = envelope(id, "chat.completion.chunk", model, created);
    root.putArray("choices").add(choice);
    return root;
  }

  public static ObjectNode usageChunk(String id, String model, long created, Usage usage) {
    ObjectNode root = envelope(id, "chat.completion.chunk", model, created);
    root.putArray("choices");
    root.set("usage", usage(usage));
    return root;
  }

  public static ObjectNode usage(Usage u) {
    ObjectNode usage = JsonTrees.MAPPER.createObjectNode();
    usage.put("prompt_tokens", u.promptTokens());
    usage.put("completion_tokens", u.completionTokens());
    usage.put("total_tokens", u.totalTokens());
    return usage;
  }

  private static ObjectNode envelope(String id, String object, String model, long created) {
    ObjectNode root = JsonTrees.MAPPER.createObjectNode();
    root.put("id", id);
    root.put("object", object);
    root.put("created", created);
    root.put("model", model);
    return root;
  }

  public static ArrayNode array() {
    return JsonTrees.MAPPER.createArrayNode();
  }
}
