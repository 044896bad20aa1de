package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local DashScope (Alibaba Cloud Model Studio) native API on {@code 127.0.0.1}, as its
 * documentation has it: {@code /services/aigc/text-generation/generation} (message content a
 * string) and {@code /services/aigc/multimodal-generation/generation} (content a list of
 * {@code {"text"}}/{@code {"image"}} items, images as http(s) or data URLs) taking
 * {@code {model, input:{messages}, parameters}}; answers in {@code result_format=message} (else
 * {@code output.text}); SSE only with {@code X-DashScope-SSE: enable}, framed as
 * {@code id:}/{@code event:result}/{@code :HTTP_STATUS/200}/{@code data:} with no end marker, each
 * event holding the new text under {@code incremental_output} and all text so far without it;
 * {@code /services/embeddings/text-embedding/text-embedding} with {@code input.texts}, at most 25
 * texts for v1/v2 (10 for later models); Bearer auth; errors {@code {code, message, request_id}}.
 */
public final class FakeDashScopeServer extends FakeUpstream<FakeDashScopeServer> {
  private static final String TEXT = "/api/v1/services/aigc/text-generation/generation";
  private static final String VISION = "/api/v1/services/aigc/multimodal-generation/generation";
  private static final String EMBEDDING = "/api/v1/services/embeddings/text-embedding/text-embedding";
  private final AtomicInteger images = new AtomicInteger();

  private FakeDashScopeServer() {
    super("fake-dashscope");
  }

  public static FakeDashScopeServer start() {
    return new FakeDashScopeServer();
  }

  /** {@code http://127.0.0.1:PORT/api/v1}, what {@code saas.base_url} should be. */
  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/api/v1";
  }

  /** The next request gets this status and DashScope's error body with this code (e.g. 400 {@code DataInspectionFailed}). */
  public FakeDashScopeServer failNextWithCode(int status, String code, String message) {
    return failNextWithBody(status, dashScopeError(code, message), Map.of());
  }

  /** Images received in vision requests since start. */
  public int imagesReceived() {
    return images.get();
  }

  @Override
  boolean isChat(FakeExchange ex) {
    return ex.path().equals(TEXT) || ex.path().equals(VISION);
  }

  @Override
  boolean authorized(FakeExchange ex) throws IOException {
    String key = requiredApiKey();
    if (key == null || ("Bearer " + key).equals(ex.header("Authorization"))) {
      return true;
    }
    ex.sendJson(401, dashScopeError("InvalidApiKey", "Invalid API-key provided."), Map.of());
    return false;
  }

  @Override
  JsonNode errorBody(int status, String message) {
    String code = switch (status) {
      case 400 -> "InvalidParameter";
      case 401 -> "InvalidApiKey";
      case 403 -> "AccessDenied";
      case 404 -> "ModelNotFound";
      case 429 -> "Throttling.RateQuota";
      default -> "InternalError";
    };
    return dashScopeError(code, message);
  }

  private static ObjectNode dashScopeError(String code, String message) {
    return FakeExchange.JSON.createObjectNode().put("code", code).put("message", message)
        .put("request_id", UUID.randomUUID().toString());
  }

  @Override
  void route(FakeExchange ex, Script script) throws IOException, InterruptedException {
    JsonNode req = ex.json();
    if (!req.path("model").isTextual()) {
      ex.sendJson(400, dashScopeError("InvalidParameter", "Model not specified"), Map.of());
      return;
    }
    switch (ex.path()) {
      case TEXT, VISION -> generation(ex, req, script, ex.path().equals(VISION));
      case EMBEDDING -> embeddings(ex, req);
      default -> ex.sendJson(404, dashScopeError("NotFound", "Not Found: " + ex.path()), Map.of());
    }
  }

  private void generation(FakeExchange ex, JsonNode req, Script script, boolean vision)
      throws IOException, InterruptedException {
    JsonNode messages = req.path("input").path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      ex.sendJson(400, dashScopeError("InvalidParameter", "input.messages is required"), Map.of());
      return;
    }
    String historyError = toolHistoryError(messages);
    if (historyError != null) {
      ex.sendJson(400, dashScopeError("InvalidParameter", historyError), Map.of());
      return;
    }
    StringBuilder lastUser = new StringBuilder();
    int promptWords = 0;
    for (JsonNode m : messages) {
      String text = vision ? visionText(m.path("content")) : m.path("content").isTextual() ? m.get("content").asText() : null;
      if (text == null) {
        ex.sendJson(400, dashScopeError("InvalidParameter", vision
            ? "The content of a multimodal message must be a list of {\"text\"} or {\"image\"} items with http(s) or data URLs"
            : "Input should be a valid string: messages[].content"), Map.of());
        return;
      }
      promptWords += ChatAnswers.words(text);
      if ("user".equals(m.path("role").asText())) {
        lastUser.setLength(0);
        lastUser.append(text);
      }
    }
    if (vision) {
      for (JsonNode m : messages) {
        m.path("content").forEach(item -> images.addAndGet(item.has("image") ? 1 : 0));
      }
    }
    String content = script instanceof Script.Reply r ? r.content() : "echo: " + lastUser;
    String midStream = script instanceof Script.FailMidStream f ? f.message() : null;
    JsonNode parameters = req.path("parameters");
    Answer answer = new Answer(content, reasoning(), vision, "message".equals(parameters.path("result_format").asText()),
        promptWords);
    boolean stream = "enable".equals(ex.header("X-DashScope-SSE"));
    if (script instanceof Script.ToolCall call) {
      if (!parameters.path("tools").isArray()) {
        ex.sendJson(400, dashScopeError("InvalidParameter", "tool_choice requires parameters.tools"), Map.of());
      } else if (stream) {
        streamToolCall(ex, answer, call);
      } else {
        ObjectNode whole = answer.event("", null, "tool_calls");
        ((ObjectNode) whole.at("/output/choices/0/message")).putArray("tool_calls")
            .add(ChatAnswers.toolCall(call, call.arguments(), true));
        ex.sendJson(200, whole, Map.of());
      }
    } else if (stream) {
      stream(ex, answer, parameters.path("incremental_output").asBoolean(false), midStream);
    } else {
      ex.sendJson(200, answer.event(content, answer.reasoning, "stop"), Map.of());
    }
  }

  /**
   * What DashScope checks in a function-calling history: a {@code tool} message answers, by {@code tool_call_id}, a
   * call of an earlier assistant message's {@code tool_calls} (OpenAI's shape); null when the history is sound.
   */
  private static String toolHistoryError(JsonNode messages) {
    java.util.Set<String> called = new java.util.HashSet<>();
    for (JsonNode m : messages) {
      if ("assistant".equals(m.path("role").asText())) {
        for (JsonNode call : m.path("tool_calls")) {
          if (!call.path("id").isTextual() || !call.at("/function/name").isTextual()) {
            return "messages[].tool_calls[] needs an id and function.name";
          }
          called.add(call.get("id").asText());
        }
      } else if ("tool".equals(m.path("role").asText()) && !called.contains(m.path("tool_call_id").asText())) {
        return "a tool message must answer an earlier assistant tool call by tool_call_id (got '"
            + m.path("tool_call_id").asText() + "')";
      }
    }
    return null;
  }

  /** DashScope's function call, streamed: {@code message.tool_calls} in OpenAI's shape, the arguments in fragments. */
  private void streamToolCall(FakeExchange ex, Answer answer, Script.ToolCall call) throws IOException {
    ex.startEvents();
    int id = 0;
    String args = call.arguments();
    for (int i = -8; i < args.length(); i += 8) {
      ObjectNode event = answer.event("", null, null);
      String fragment = i < 0 ? "" : args.substring(i, Math.min(args.length(), i + 8));
      ((ObjectNode) event.at("/output/choices/0/message")).putArray("tool_calls")
          .add(ChatAnswers.toolCall(call, fragment, i < 0));
      ex.sendLines(frame(++id, "result", 200, event), false);
    }
    ex.sendLines(frame(++id, "result", 200, answer.event("", null, "tool_calls")), true);
  }

  /** The text items of a multimodal message joined, or null when an item is neither text nor a usable image. */
  private static String visionText(JsonNode content) {
    if (!content.isArray()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode item : content) {
      if (item.path("text").isTextual()) {
        sb.append(sb.length() == 0 ? "" : " ").append(item.get("text").asText());
      } else {
        String image = item.path("image").asText("");
        if (!(image.startsWith("http://") || image.startsWith("https://") || image.startsWith("data:image/"))) {
          return null;
        }
      }
    }
    return sb.toString();
  }

  /** One answer's parts, and how DashScope writes an event (or the whole answer) of it. */
  private record Answer(String content, String reasoning, boolean vision, boolean messageFormat, int promptWords) {
    ObjectNode event(String text, String reasoningText, String finishReason) {
      ObjectNode root = FakeExchange.JSON.createObjectNode();
      ObjectNode output = root.putObject("output");
      if (messageFormat) {
        ObjectNode choice = output.putArray("choices").addObject();
        choice.put("finish_reason", finishReason == null ? "null" : finishReason);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (vision) {
          message.putArray("content").addObject().put("text", text);
        } else {
          message.put("content", text);
        }
        if (reasoningText != null) {
          message.put("reasoning_content", reasoningText);
        }
      } else {
        output.put("text", text);
        output.put("finish_reason", finishReason == null ? "null" : finishReason);
      }
      int completion = ChatAnswers.words(content);
      ObjectNode usage = root.putObject("usage").put("input_tokens", promptWords).put("output_tokens", completion)
          .put("total_tokens", promptWords + completion);
      if (vision) {
        usage.put("image_tokens", 0);
      }
      root.put("request_id", UUID.randomUUID().toString());
      return root;
    }
  }

  private void stream(FakeExchange ex, Answer answer, boolean incremental, String midStream)
      throws IOException, InterruptedException {
    ex.startEvents();
    int id = 0;
    StringBuilder soFar = new StringBuilder();
    if (answer.reasoning() != null) {
      for (String piece : ChatAnswers.pieces(answer.reasoning())) {
        ChatAnswers.pause(chunkDelay(), id);
        ex.sendLines(frame(++id, "result", 200, answer.event("", piece, null)), false);
      }
    }
    for (String piece : ChatAnswers.pieces(answer.content())) {
      if (midStream != null && id == 2) {
        ex.sendLines(frame(++id, "error", 500, dashScopeError("InternalError", midStream)), true);
        return;
      }
      ChatAnswers.pause(chunkDelay(), id);
      soFar.append(piece);
      ex.sendLines(frame(++id, "result", 200, answer.event(incremental ? piece : soFar.toString(), null, null)), false);
    }
    ex.sendLines(frame(++id, "result", 200, answer.event(incremental ? "" : soFar.toString(), null, "stop")), true);
  }

  private static String frame(int id, String event, int status, JsonNode data) throws IOException {
    return "id:" + id + "\nevent:" + event + "\n:HTTP_STATUS/" + status + "\ndata:"
        + FakeExchange.JSON.writeValueAsString(data) + "\n\n";
  }

  private void embeddings(FakeExchange ex, JsonNode req) throws IOException {
    JsonNode texts = req.path("input").path("texts");
    String model = req.get("model").asText();
    int limit = model.endsWith("-v1") || model.endsWith("-v2") ? 25 : 10;
    if (!texts.isArray() || texts.isEmpty()) {
      ex.sendJson(400, dashScopeError("InvalidParameter", "input.texts is required"), Map.of());
      return;
    }
    if (texts.size() > limit) {
      ex.sendJson(400, dashScopeError("InvalidParameter", "batch size is invalid, it should not be larger than " + limit
          + "."), Map.of());
      return;
    }
    String textType = req.path("parameters").path("text_type").asText("document");
    if (!List.of("query", "document").contains(textType)) {
      ex.sendJson(400, dashScopeError("InvalidParameter", "text_type must be query or document"), Map.of());
      return;
    }
    int dimension = req.path("parameters").path("dimension").asInt(embeddingDimension());
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    ArrayNode items = root.putObject("output").putArray("embeddings");
    int tokens = 0;
    for (int i = texts.size() - 1; i >= 0; i--) { // last first: clients must order by text_index
      ArrayNode vector = items.addObject().put("text_index", i).putArray("embedding");
      for (float f : MediaAnswers.vector(texts.get(i).asText(), dimension)) {
        vector.add(f);
      }
      tokens += ChatAnswers.words(texts.get(i).asText());
    }
    root.putObject("usage").put("total_tokens", tokens);
    root.put("request_id", UUID.randomUUID().toString());
    ex.sendJson(200, root, Map.of());
  }
}
