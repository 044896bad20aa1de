package io.byzerllm.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns byzerllm's call shape (conversations + {@code llm_config}) into an OpenAI chat request.
 * {@code max_length} becomes {@code max_tokens}; {@code gen.*} keys travel as they are (the node
 * interprets them); any other key becomes a top-level request field.
 */
final class ChatRequestBody {
  private ChatRequestBody() {}

  static Map<String, Object> build(String model, List<?> conversations, Map<String, ?> llmConfig,
      Integer maxOutputLength, boolean stream) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("messages", messages(conversations));
    if (maxOutputLength != null) {
      body.put("max_tokens", maxOutputLength);
    }
    if (llmConfig != null) {
      llmConfig.forEach((k, v) -> {
        if (!"model".equals(k) && v != null) {
          body.put("max_length".equals(k) ? "max_tokens" : k, v);
        }
      });
    }
    body.put("stream", stream);
    if (stream) {
      body.put("stream_options", Map.of("include_usage", true));
    }
    return body;
  }

  /** The model a call goes to: the explicit one, else llm_config's {@code model}, else the default. */
  static String model(String explicit, Map<String, ?> llmConfig, String defaultModel) {
    if (explicit != null && !explicit.isBlank()) {
      return explicit;
    }
    Object fromConfig = llmConfig == null ? null : llmConfig.get("model");
    if (fromConfig != null && !fromConfig.toString().isBlank()) {
      return fromConfig.toString();
    }
    if (defaultModel != null) {
      return defaultModel;
    }
    throw new IllegalArgumentException("no model given; pass one (chatOai(\"model\", ...)) or set a default with "
        + "llm = llm.withDefaultModel(\"name\") (byzerllm's setup_default_model_name; the client is immutable, keep the copy)");
  }

  static List<Map<String, Object>> messages(List<?> conversations) {
    if (conversations == null || conversations.isEmpty()) {
      throw new IllegalArgumentException("conversations is empty; pass at least one message, e.g. Message.user(\"hi\")");
    }
    return conversations.stream().map(ChatRequestBody::message).toList();
  }

  private static Map<String, Object> message(Object item) {
    if (item instanceof Message m) {
      return m.toMap();
    }
    if (item instanceof Map<?, ?> map) {
      if (!(map.get("role") instanceof String)) {
        throw new IllegalArgumentException("each conversation map needs a \"role\" (got " + map.keySet() + ")");
      }
      Map<String, Object> out = new LinkedHashMap<>();
      // byzerllm strips a message's "metadata" before sending; so do we
      map.forEach((k, v) -> {
        if (!"metadata".equals(k)) {
          out.put(String.valueOf(k), v);
        }
      });
      return out;
    }
    throw new IllegalArgumentException("a conversation item is a Message or a Map with role and content (got "
        + (item == null ? "null" : item.getClass().getSimpleName()) + ")");
  }
}
