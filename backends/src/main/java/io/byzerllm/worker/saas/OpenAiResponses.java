package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ImageResult;
import io.byzerllm.worker.TranscriptionResult;
import io.byzerllm.worker.Usage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** Reads OpenAI's documented answers into our results; what cannot be read is a {@link MalformedAnswer}. */
final class OpenAiResponses {
  private OpenAiResponses() {}

  static ChatResult chat(String requestId, byte[] body) {
    JsonNode root = json(body);
    JsonNode choice = root.path("choices").path(0);
    if (choice.isMissingNode()) {
      throw new MalformedAnswer("without choices", text(body));
    }
    JsonNode message = choice.path("message");
    return new ChatResult(requestId, textOrNull(message.path("content")), reasoning(message),
        textOrNull(choice.path("finish_reason")), usage(root.path("usage")), textOrNull(root.path("model")),
        toolCalls(message.path("tool_calls")), 0);
  }

  /** One {@code chat.completion.chunk}: its delta, finish reason and usage (any may be absent). */
  static ChatDelta chunk(JsonNode chunk) {
    JsonNode choice = chunk.path("choices").path(0);
    JsonNode delta = choice.path("delta");
    JsonNode usage = chunk.path("usage");
    return new ChatDelta(nonEmpty(textOrNull(delta.path("content"))), nonEmpty(reasoning(delta)),
        textOrNull(choice.path("finish_reason")), usage.isObject() ? usage(usage) : null, toolCalls(delta.path("tool_calls")));
  }

  static EmbeddingResult embeddings(byte[] body) {
    JsonNode root = json(body);
    JsonNode data = root.path("data");
    if (!data.isArray()) {
      throw new MalformedAnswer("without embedding data", text(body));
    }
    List<JsonNode> items = new ArrayList<>();
    data.forEach(items::add);
    items.sort((a, b) -> Integer.compare(a.path("index").asInt(), b.path("index").asInt()));
    List<float[]> vectors = new ArrayList<>(items.size());
    for (JsonNode item : items) {
      vectors.add(vector(item.path("embedding"), body));
    }
    int prompt = root.path("usage").path("prompt_tokens").asInt(0);
    return new EmbeddingResult(vectors, new Usage(prompt, 0), 0, textOrNull(root.path("model")));
  }

  private static float[] vector(JsonNode embedding, byte[] body) {
    if (embedding.isTextual()) {
      // base64 of little-endian float32, what providers send for encoding_format=base64
      ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(embedding.asText())).order(ByteOrder.LITTLE_ENDIAN);
      float[] v = new float[buf.remaining() / 4];
      buf.asFloatBuffer().get(v);
      return v;
    }
    if (!embedding.isArray()) {
      throw new MalformedAnswer("an embedding that is not a list of numbers", text(body));
    }
    float[] v = new float[embedding.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) embedding.get(i).asDouble();
    }
    return v;
  }

  static ImageResult images(byte[] body) {
    JsonNode root = json(body);
    List<ImageResult.Image> images = new ArrayList<>();
    for (JsonNode item : root.path("data")) {
      if (!item.path("b64_json").isTextual()) {
        throw new MalformedAnswer("an image without b64_json", text(body));
      }
      images.add(new ImageResult.Image(item.get("b64_json").asText(), textOrNull(item.path("revised_prompt"))));
    }
    if (images.isEmpty()) {
      throw new MalformedAnswer("no images", text(body));
    }
    return new ImageResult(root.path("created").asLong(0), images);
  }

  static TranscriptionResult transcription(byte[] body, String contentType) {
    String text = text(body);
    boolean isJson = contentType.toLowerCase(Locale.ROOT).contains("json") || text.stripLeading().startsWith("{");
    if (!isJson) {
      return new TranscriptionResult(text, contentType, text.strip());
    }
    JsonNode root = json(body);
    return new TranscriptionResult(text, contentType, root.path("text").asText(""));
  }

  static JsonNode json(byte[] body) {
    try {
      JsonNode node = SaasJson.MAPPER.readTree(body);
      if (node == null || !node.isObject()) {
        throw new MalformedAnswer("a body that is not a JSON object", text(body));
      }
      return node;
    } catch (IOException e) {
      throw new MalformedAnswer("a body that is not valid JSON", text(body));
    }
  }

  static Usage usage(JsonNode usage) {
    if (!usage.isObject()) {
      return Usage.NONE;
    }
    return new Usage(usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0));
  }

  /** {@code reasoning_content} (DeepSeek, Qwen, vLLM), else {@code reasoning} (OpenRouter, Ollama). */
  private static String reasoning(JsonNode message) {
    String r = textOrNull(message.path("reasoning_content"));
    return r != null ? r : textOrNull(message.path("reasoning"));
  }

  private static JsonNode toolCalls(JsonNode calls) {
    return calls.isArray() && !calls.isEmpty() ? calls : null;
  }

  static String textOrNull(JsonNode node) {
    return node.isTextual() ? node.asText() : null;
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }
}
