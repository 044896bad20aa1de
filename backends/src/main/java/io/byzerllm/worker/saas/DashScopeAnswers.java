package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** DashScope's documented shapes: vision content items, answers, stream events, embeddings and errors. */
final class DashScopeAnswers {
  private DashScopeAnswers() {}

  /**
   * OpenAI content (a string, or {@code text}/{@code image_url} parts) as DashScope's list of
   * {@code {"text"}}/{@code {"image"}} items; an image is an http(s) URL or a data URL, passed as is.
   * Items already in DashScope's shape ({@code {"image": ...}}, byzerllm's style) stay as they are.
   */
  static ArrayNode visionContent(JsonNode content) {
    ArrayNode items = SaasJson.MAPPER.createArrayNode();
    if (content.isTextual()) {
      items.addObject().put("text", content.asText());
      return items;
    }
    for (JsonNode part : content) {
      if (part.path("image_url").isObject() || part.path("image_url").isTextual()) {
        JsonNode url = part.path("image_url").isObject() ? part.path("image_url").path("url") : part.path("image_url");
        items.addObject().put("image", url.asText());
      } else if (part.path("image").isTextual()) {
        items.addObject().put("image", part.get("image").asText());
      } else if (part.path("text").isTextual()) {
        items.addObject().put("text", part.get("text").asText());
      }
    }
    return items;
  }

  /**
   * byzerllm passes {@code gen.*} values as it got them, often strings ({@code "true"}, {@code "5"});
   * DashScope checks types, so {@code enable_search} and {@code top_k} go as a boolean and an integer.
   */
  static JsonNode typed(String parameter, JsonNode value) {
    if (!value.isTextual()) {
      return value;
    }
    String text = value.asText().trim();
    if ((parameter.startsWith("enable_") || parameter.equals("incremental_output"))
        && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
      return BooleanNode.valueOf(Boolean.parseBoolean(text));
    }
    if (parameter.equals("top_k") || parameter.equals("seed")) {
      try {
        return IntNode.valueOf(Integer.parseInt(text));
      } catch (NumberFormatException e) {
        return value; // DashScope's own message will name the bad value
      }
    }
    return value;
  }

  /** A whole answer in {@code result_format=message} (or the older {@code output.text}). */
  static ChatResult chat(String requestId, byte[] body) {
    JsonNode root = OpenAiResponses.json(body);
    JsonNode output = root.path("output");
    JsonNode choice = output.path("choices").path(0);
    if (choice.isMissingNode() && !output.path("text").isTextual()) {
      throw new MalformedAnswer("without output.choices or output.text", OpenAiResponses.text(body));
    }
    JsonNode message = choice.path("message");
    String content = choice.isMissingNode() ? output.path("text").asText() : text(message.path("content"));
    String finish = finishReason(choice.isMissingNode() ? output : choice);
    JsonNode toolCalls = message.path("tool_calls");
    return new ChatResult(requestId, content, nonEmpty(OpenAiResponses.textOrNull(message.path("reasoning_content"))),
        finish, usage(root.path("usage")), null, toolCalls.isArray() && !toolCalls.isEmpty() ? toolCalls : null, 0);
  }

  /**
   * One SSE event: {@code event:result} with the new text (incremental output), the finish reason
   * ("null" until the last) and, on the last, the usage; {@code event:error} with {code, message}.
   * DashScope sends no end marker: the stream ends after the event with a finish reason.
   */
  static ChunkReader.Chunk chunk(String event, String data) {
    JsonNode json = SaasJson.eventObject(data);
    if ("error".equals(event) || (json.path("code").isTextual() && !json.has("output"))) {
      return new ChunkReader.Chunk.Failed(errorMessage(json));
    }
    JsonNode choice = json.path("output").path("choices").path(0);
    JsonNode message = choice.path("message");
    String finish = finishReason(choice);
    JsonNode toolCalls = message.path("tool_calls"); // OpenAI-shaped fragments with an index, merged like OpenAI's
    return new ChunkReader.Chunk.Delta(new ChatDelta(nonEmpty(text(message.path("content"))),
        nonEmpty(OpenAiResponses.textOrNull(message.path("reasoning_content"))), finish,
        finish == null ? null : usage(json.path("usage")), toolCalls.isArray() && !toolCalls.isEmpty() ? toolCalls : null),
        null);
  }

  /** {@code finish_reason}; DashScope writes the string "null" while the answer goes on. */
  private static String finishReason(JsonNode holder) {
    String f = OpenAiResponses.textOrNull(holder.path("finish_reason"));
    return f == null || f.isEmpty() || f.equals("null") ? null : f;
  }

  /** Content as a string, or a vision model's list of {@code {"text"}} items joined. */
  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode item : content) {
      if (item.path("text").isTextual()) {
        sb.append(item.get("text").asText());
      }
    }
    return sb.toString();
  }

  private static Usage usage(JsonNode usage) {
    if (!usage.isObject()) {
      return Usage.NONE;
    }
    return new Usage(usage.path("input_tokens").asInt(0), usage.path("output_tokens").asInt(0));
  }

  /** {@code output.embeddings[{text_index, embedding}]}, put in input order. */
  static EmbeddingResult embeddings(byte[] body) {
    JsonNode root = OpenAiResponses.json(body);
    JsonNode items = root.path("output").path("embeddings");
    if (!items.isArray()) {
      throw new MalformedAnswer("without output.embeddings", OpenAiResponses.text(body));
    }
    List<JsonNode> sorted = new ArrayList<>();
    items.forEach(sorted::add);
    sorted.sort((a, b) -> Integer.compare(a.path("text_index").asInt(), b.path("text_index").asInt()));
    List<float[]> vectors = new ArrayList<>(sorted.size());
    for (JsonNode item : sorted) {
      JsonNode e = item.path("embedding");
      if (!e.isArray()) {
        throw new MalformedAnswer("an embedding that is not a list of numbers", OpenAiResponses.text(body));
      }
      float[] v = new float[e.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) e.get(i).asDouble();
      }
      vectors.add(v);
    }
    return new EmbeddingResult(vectors, new Usage(root.path("usage").path("total_tokens").asInt(0), 0), 0, null);
  }

  /** {@code "<code>: <message> (request_id <id>)"}: the id is what Alibaba Cloud support asks for. */
  static String errorMessage(byte[] body) {
    try {
      JsonNode json = body.length == 0 ? null : SaasJson.MAPPER.readTree(body);
      if (json != null && json.path("message").isTextual()) {
        return errorMessage(json);
      }
    } catch (IOException e) {
      // not JSON: the excerpt below
    }
    return UpstreamErrors.providerMessage(body);
  }

  private static String errorMessage(JsonNode json) {
    String code = json.path("code").asText("");
    String message = json.path("message").asText("");
    String id = json.path("request_id").asText("");
    return (code.isEmpty() ? "" : code + ": ") + message + (id.isEmpty() ? "" : " (request_id " + id + ")");
  }

  private static String nonEmpty(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
