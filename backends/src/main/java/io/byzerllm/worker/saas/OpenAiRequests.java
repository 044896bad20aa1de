package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.SpeechCall;
import java.util.Map;
import java.util.Set;

/** The JSON bodies of OpenAI's documented endpoints, built from our calls. */
final class OpenAiRequests {
  // Fields we own in a chat body; a caller's extra options may not replace them.
  private static final Set<String> CHAT_OWNED = Set.of("model", "messages", "stream", "stream_options");

  private final OpenAiSettings settings;

  OpenAiRequests(OpenAiSettings settings) {
    this.settings = settings;
  }

  /**
   * {@code POST /chat/completions}. Only options the caller set are sent (the provider's defaults
   * otherwise); a reasoning model gets no {@code temperature}/{@code top_p}.
   */
  ObjectNode chat(ChatCall call, boolean stream) {
    ChatOptions o = call.options();
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    body.put("model", o.model() == null || o.model().isBlank() ? settings.model() : o.model());
    ArrayNode messages = body.putArray("messages");
    call.messages().forEach(m -> messages.add(message(m)));
    if (o.maxTokens() != null) {
      body.put("max_tokens", o.maxTokens());
    }
    if (!settings.reasoning()) {
      if (o.temperature() != null) {
        body.put("temperature", o.temperature());
      }
      if (o.topP() != null) {
        body.put("top_p", o.topP());
      }
    }
    if (!o.stop().isEmpty()) {
      ArrayNode stop = body.putArray("stop");
      o.stop().forEach(stop::add);
    }
    putExtra(body, o.extra(), CHAT_OWNED);
    if (stream) {
      body.put("stream", true);
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  private static ObjectNode message(ChatMessage m) {
    ObjectNode out = SaasJson.MAPPER.createObjectNode();
    if (m.prefix()) {
      // DeepSeek's chat prefix completion: the model continues this assistant text
      out.put("role", "assistant");
      out.set("content", m.content());
      out.put("prefix", true);
      return out;
    }
    out.put("role", m.role());
    if (m.toolCalls() != null && m.text().isEmpty() && m.content().isTextual()) {
      out.putNull("content"); // an assistant message that only called tools
    } else {
      out.set("content", m.content());
    }
    if (m.name() != null && !m.name().isBlank()) {
      out.put("name", m.name());
    }
    if (m.toolCalls() != null) {
      out.set("tool_calls", m.toolCalls());
    }
    if (m.toolCallId() != null) {
      out.put("tool_call_id", m.toolCallId());
    }
    return out;
  }

  /** {@code POST /embeddings}, floats asked for explicitly (some providers default to base64). */
  ObjectNode embeddings(EmbeddingCall call) {
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    body.put("model", call.model() == null || call.model().isBlank() ? settings.embeddingModel() : call.model());
    ArrayNode input = body.putArray("input");
    call.inputs().forEach(input::add);
    body.put("encoding_format", "float");
    if (call.dimensions() != null) {
      body.put("dimensions", call.dimensions());
    }
    return body;
  }

  /** {@code POST /audio/speech}: voice {@code alloy} and {@code mp3} unless asked otherwise. */
  ObjectNode speech(SpeechCall call) {
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    body.put("model", call.model() == null || call.model().isBlank() ? settings.ttsModel() : call.model());
    body.put("input", call.input());
    body.put("voice", call.voice() == null || call.voice().isBlank() ? "alloy" : call.voice());
    body.put("response_format", responseFormat(call));
    if (call.speed() != null) {
      body.put("speed", call.speed());
    }
    putExtra(body, call.extra(), Set.of("model", "input"));
    return body;
  }

  static String responseFormat(SpeechCall call) {
    return call.responseFormat() == null || call.responseFormat().isBlank() ? "mp3" : call.responseFormat();
  }

  /** {@code POST /images/generations}, always as {@code b64_json} so no image URL must be fetched later. */
  ObjectNode image(ImageCall call) {
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    body.put("model", call.model() == null || call.model().isBlank() ? settings.imageModel() : call.model());
    body.put("prompt", call.prompt());
    if (call.n() != null) {
      body.put("n", call.n());
    }
    putIfSet(body, "size", call.size());
    putIfSet(body, "quality", call.quality());
    putIfSet(body, "style", call.style());
    putExtra(body, call.extra(), Set.of("model", "prompt", "response_format"));
    body.put("response_format", "b64_json");
    return body;
  }

  private static void putIfSet(ObjectNode body, String field, String value) {
    if (value != null && !value.isBlank()) {
      body.put(field, value);
    }
  }

  private static void putExtra(ObjectNode body, Map<String, JsonNode> extra, Set<String> owned) {
    extra.forEach((k, v) -> {
      if (!owned.contains(k)) {
        body.set(k, v);
      }
    });
  }
}
