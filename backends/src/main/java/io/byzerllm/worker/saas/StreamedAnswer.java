package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.Usage;
import java.util.Map;
import java.util.TreeMap;

/**
 * A streamed answer put back together: text and reasoning concatenated, the last finish reason and
 * usage, tool calls merged from their fragments (by {@code index}, arguments appended), and thinking
 * blocks rebuilt from theirs ({@link ThinkingBlocks}). Used from one thread at a time.
 */
final class StreamedAnswer {
  private final StringBuilder content = new StringBuilder();
  private final StringBuilder reasoning = new StringBuilder();
  private final Map<Integer, ObjectNode> toolCalls = new TreeMap<>();
  private final ThinkingBlocks thinkingBlocks = new ThinkingBlocks();
  private String finishReason;
  private Usage usage;
  private String model;

  /** Adds one delta; {@code model} is the upstream model the event named, or null. */
  void add(ChatDelta delta, String model) {
    if (delta.content() != null) {
      content.append(delta.content());
    }
    if (delta.reasoningContent() != null) {
      reasoning.append(delta.reasoningContent());
    }
    if (delta.finishReason() != null) {
      finishReason = delta.finishReason();
    }
    if (delta.usage() != null) {
      usage = delta.usage();
    }
    if (this.model == null && model != null) {
      this.model = model;
    }
    if (delta.toolCalls() != null) {
      delta.toolCalls().forEach(this::mergeToolCall);
    }
    if (delta.thinkingBlocks() != null) {
      delta.thinkingBlocks().forEach(thinkingBlocks::add);
    }
  }

  static boolean isEmpty(ChatDelta d) {
    return d.content() == null && d.reasoningContent() == null && d.finishReason() == null && d.usage() == null
        && d.toolCalls() == null && d.thinkingBlocks() == null;
  }

  boolean finished() {
    return finishReason != null;
  }

  private void mergeToolCall(JsonNode fragment) {
    ObjectNode call = toolCalls.computeIfAbsent(fragment.path("index").asInt(toolCalls.size()),
        i -> SaasJson.MAPPER.createObjectNode());
    for (String field : new String[] {"id", "type"}) {
      if (fragment.path(field).isTextual()) {
        call.put(field, fragment.get(field).asText());
      }
    }
    JsonNode fn = fragment.path("function");
    if (fn.isObject()) {
      ObjectNode target = call.has("function") ? (ObjectNode) call.get("function") : call.putObject("function");
      if (fn.path("name").isTextual()) {
        target.put("name", fn.get("name").asText());
      }
      if (fn.path("arguments").isTextual()) {
        target.put("arguments", target.path("arguments").asText("") + fn.get("arguments").asText());
      }
    }
  }

  ChatResult result(String requestId, double firstTokenMillis) {
    ArrayNode calls = null;
    if (!toolCalls.isEmpty()) {
      calls = SaasJson.MAPPER.createArrayNode();
      calls.addAll(toolCalls.values());
    }
    return new ChatResult(requestId, content.toString(), reasoning.length() == 0 ? null : reasoning.toString(),
        finishReason, usage, model, calls, firstTokenMillis, thinkingBlocks.blocks());
  }
}
