package io.byzerllm.worker.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI chat request, with byzerllm's {@code llm_config} keys understood at the top level:
 * {@code max_length}, {@code gen.stop}, {@code gen.model}, {@code gen.response_prefix}, other
 * {@code gen.*} passed through without their prefix. Fields we do not interpret pass through.
 */
public record ChatRequest(String model, ChatCall call, boolean stream, boolean includeUsage) {

  private static final Set<String> CONSUMED = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
      "max_completion_tokens", "max_length", "temperature", "top_p", "stop", "request_id");

  public static ChatRequest parse(ObjectNode body, String requestId) {
    String model = Fields.requiredString(body, "model");
    Map<String, JsonNode> extra = new HashMap<>();
    Map<String, JsonNode> gen = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.startsWith("gen.") || key.startsWith("generation.")) {
        gen.put(key.substring(key.indexOf('.') + 1), e.getValue());
      } else if (!CONSUMED.contains(key)) {
        extra.put(key, e.getValue());
      }
    }
    List<ChatMessage> messages = messages(body.get("messages"), truthy(gen.remove("response_prefix")));
    Integer maxTokens = firstNonNull(Fields.optionalPositiveInt(body, "max_tokens"),
        Fields.optionalPositiveInt(body, "max_completion_tokens"), Fields.optionalPositiveInt(body, "max_length"));
    List<String> stop = stop(body.has("stop") ? body.get("stop") : gen.remove("stop"), body.has("stop") ? "stop" : "gen.stop");
    gen.remove("stop");
    gen.remove("stream");
    JsonNode modelOverride = gen.remove("model");
    extra.putAll(gen);
    ChatOptions options = new ChatOptions(maxTokens, Fields.optionalNumber(body, "temperature"),
        Fields.optionalNumber(body, "top_p"), stop, modelOverride == null ? null : modelOverride.asText(), extra);
    boolean stream = Fields.optionalBoolean(body, "stream");
    JsonNode so = body.get("stream_options");
    boolean includeUsage = so != null && so.path("include_usage").asBoolean(false);
    return new ChatRequest(model, new ChatCall(requestId, messages, options), stream, includeUsage);
  }

  private static List<ChatMessage> messages(JsonNode node, boolean responsePrefix) {
    if (node == null || node.isNull()) {
      throw new InvalidFieldException("messages", "'messages' is required: a list of {role, content}");
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new InvalidFieldException("messages", "'messages' must be a non-empty list of {role, content}");
    }
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode m = node.get(i);
      String where = "messages[" + i + "]";
      if (!m.isObject()) {
        throw new InvalidFieldException(where, where + " must be an object with role and content");
      }
      JsonNode role = m.get("role");
      if (role == null || !role.isTextual() || role.asText().isBlank()) {
        throw new InvalidFieldException(where + ".role", where + ".role is required: system, user, assistant or tool");
      }
      JsonNode content = m.get("content");
      if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
        throw new InvalidFieldException(where + ".content", where + ".content must be a string or a list of parts");
      }
      boolean last = i == node.size() - 1;
      boolean prefix = m.path("prefix").asBoolean(false)
          || responsePrefix && last && "assistant".equals(role.asText());
      JsonNode name = m.get("name");
      JsonNode toolCalls = m.get("tool_calls");
      if (toolCalls != null && !toolCalls.isNull() && !toolCalls.isArray()) {
        throw new InvalidFieldException(where + ".tool_calls", where + ".tool_calls must be a list of tool calls");
      }
      JsonNode toolCallId = m.get("tool_call_id");
      JsonNode thinkingBlocks = m.get("thinking_blocks");
      if (thinkingBlocks != null && !thinkingBlocks.isNull() && !thinkingBlocks.isArray()) {
        throw new InvalidFieldException(where + ".thinking_blocks",
            where + ".thinking_blocks must be the list of thinking blocks an earlier answer carried");
      }
      out.add(new ChatMessage(role.asText(), content == null || content.isNull() ? null : content,
          name == null || name.isNull() ? null : name.asText(), prefix, toolCalls,
          toolCallId == null || toolCallId.isNull() ? null : toolCallId.asText(), thinkingBlocks));
    }
    return out;
  }

  private static List<String> stop(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isTextual()) {
      String s = node.asText();
      if (s.startsWith("[")) {
        try {
          return stop(JsonTrees.MAPPER.readTree(s), field);
        } catch (IOException e) {
          throw new InvalidFieldException(field, "'" + field + "' holds invalid JSON: " + s);
        }
      }
      return List.of(s);
    }
    if (node.isArray()) {
      List<String> out = new ArrayList<>();
      for (JsonNode s : (ArrayNode) node) {
        if (!s.isTextual()) {
          throw new InvalidFieldException(field, "'" + field + "' must be a string or a list of strings");
        }
        out.add(s.asText());
      }
      return out;
    }
    throw new InvalidFieldException(field, "'" + field + "' must be a string or a list of strings");
  }

  private static boolean truthy(JsonNode v) {
    return v != null && (v.asBoolean(false) || "true".equalsIgnoreCase(v.asText()));
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
