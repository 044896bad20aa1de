package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A local upstream that speaks Google's Gemini API as documented: {@code POST
 * /v1beta/models/<model>:generateContent}, {@code :streamGenerateContent?alt=sse} (each SSE event a
 * whole {@code GenerateContentResponse}, no end marker), {@code :embedContent},
 * {@code :batchEmbedContents}; the key in {@code x-goog-api-key} (a wrong one is Google's 400
 * {@code API_KEY_INVALID}); errors as {@code {"error":{"code","message","status"}}}.
 *
 * <p>It checks what it receives and answers a 400 {@code INVALID_ARGUMENT} naming the problem:
 * {@code contents} of {@code user}/{@code model} turns with non-empty {@code parts}, each part one of
 * {@code text}, {@code inlineData}, {@code functionCall}, {@code functionResponse}; a function
 * response names a function called before; {@code systemInstruction} has parts; declared functions
 * have names. With nothing queued chat answers {@code "echo: " + <last user text>} (plus
 * {@code " [images: N]"}); usage counts words. Scripting is {@link FakeUpstream}'s.
 */
public final class FakeGeminiServer extends FakeUpstream<FakeGeminiServer> {

  private FakeGeminiServer() {
    super("fake-gemini");
  }

  public static FakeGeminiServer start() {
    return new FakeGeminiServer();
  }

  /** {@code http://127.0.0.1:PORT/v1beta}, what {@code saas.base_url} should be. */
  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1beta";
  }

  @Override
  boolean isChat(FakeExchange ex) {
    return ex.path().endsWith(":generateContent") || ex.path().endsWith(":streamGenerateContent");
  }

  @Override
  boolean authorized(FakeExchange ex) throws IOException {
    String key = requiredApiKey();
    if (key == null) {
      return true;
    }
    String received = ex.header("x-goog-api-key");
    if (received == null) {
      ex.sendJson(403, error(403, "Method doesn't allow unregistered callers (callers without established identity). "
          + "Please use API Key or other form of API consumer identity to call this API.", "PERMISSION_DENIED"), Map.of());
      return false;
    }
    if (!received.equals(key)) {
      ObjectNode body = error(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT");
      ((ObjectNode) body.get("error")).putArray("details").addObject()
          .put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", "API_KEY_INVALID")
          .put("domain", "googleapis.com");
      ex.sendJson(400, body, Map.of());
      return false;
    }
    return true;
  }

  @Override
  JsonNode errorBody(int status, String message) {
    return error(status, message, switch (status) {
      case 400 -> "INVALID_ARGUMENT";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> "INTERNAL";
    });
  }

  private static ObjectNode error(int status, String message, String code) {
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    root.putObject("error").put("code", status).put("message", message).put("status", code);
    return root;
  }

  @Override
  void route(FakeExchange ex, Script script) throws IOException, InterruptedException {
    String path = ex.path();
    if (!path.startsWith("/v1beta/models/")) {
      ex.sendJson(404, errorBody(404, "Requested entity was not found: " + path), Map.of());
      return;
    }
    JsonNode req = ex.json();
    if (path.endsWith(":batchEmbedContents") || path.endsWith(":embedContent")) {
      embeddings(ex, req, path.endsWith(":batchEmbedContents"));
      return;
    }
    boolean stream = path.endsWith(":streamGenerateContent");
    if (!stream && !path.endsWith(":generateContent")) {
      ex.sendJson(404, errorBody(404, "Requested entity was not found: " + path), Map.of());
      return;
    }
    if (stream && !ex.query().contains("alt=sse")) {
      ex.sendJson(400, errorBody(400, "this fake streams only as SSE: add ?alt=sse"), Map.of());
      return;
    }
    String problem = problem(req);
    if (problem != null) {
      ex.sendJson(400, errorBody(400, problem), Map.of());
      return;
    }
    String model = path.substring("/v1beta/models/".length(), path.lastIndexOf(':'));
    Script.ToolCall tool = script instanceof Script.ToolCall t ? t : null;
    String content = tool != null ? "" : script instanceof Script.Reply r ? r.content() : echo(req);
    String midStream = script instanceof Script.FailMidStream f ? f.message() : null;
    if (stream) {
      stream(ex, req, model, content, tool, midStream);
    } else {
      ObjectNode answer = response(model);
      ArrayNode parts = candidate(answer);
      if (reasoning() != null) {
        parts.addObject().put("text", reasoning()).put("thought", true);
      }
      if (tool == null) {
        parts.addObject().put("text", content);
      } else {
        functionCall(parts, tool);
      }
      finish(answer, req, tool == null ? content : tool.arguments());
      ex.sendJson(200, answer, Map.of());
    }
  }

  // ---- what Google checks ----

  private static String problem(JsonNode req) {
    JsonNode contents = req.path("contents");
    if (!contents.isArray() || contents.isEmpty()) {
      return "* GenerateContentRequest.contents: contents is not specified";
    }
    Set<String> called = new HashSet<>();
    for (int i = 0; i < contents.size(); i++) {
      JsonNode c = contents.get(i);
      String role = c.path("role").asText();
      if (!role.equals("user") && !role.equals("model")) {
        return "* GenerateContentRequest.contents[" + i + "].role: Please use a valid role: user, model.";
      }
      JsonNode parts = c.path("parts");
      if (!parts.isArray() || parts.isEmpty()) {
        return "* GenerateContentRequest.contents[" + i + "].parts: contents.parts must not be empty.";
      }
      for (int j = 0; j < parts.size(); j++) {
        JsonNode p = parts.get(j);
        String at = "* GenerateContentRequest.contents[" + i + "].parts[" + j + "]";
        int kinds = (p.has("text") ? 1 : 0) + (p.has("inlineData") ? 1 : 0) + (p.has("functionCall") ? 1 : 0)
            + (p.has("functionResponse") ? 1 : 0);
        if (kinds != 1) {
          return at + ".data: required oneof field 'data' must have one initialized field";
        }
        if (p.has("inlineData") && (!p.get("inlineData").path("mimeType").isTextual()
            || !p.get("inlineData").path("data").isTextual())) {
          return at + ".inline_data: mimeType and data are required";
        }
        if (p.has("functionCall")) {
          if (!role.equals("model")) {
            return at + ".function_call: only a model turn may call functions";
          }
          called.add(p.get("functionCall").path("name").asText());
        }
        if (p.has("functionResponse")) {
          JsonNode r = p.get("functionResponse");
          if (!called.contains(r.path("name").asText()) || !r.path("response").isObject()) {
            return at + ".function_response: name must be a function called before and response an object";
          }
        }
      }
    }
    JsonNode system = req.path("systemInstruction");
    if (!system.isMissingNode() && (!system.path("parts").isArray() || system.path("parts").isEmpty())) {
      return "* GenerateContentRequest.system_instruction.parts: must not be empty";
    }
    for (JsonNode tool : req.path("tools")) {
      for (JsonNode d : tool.path("functionDeclarations")) {
        if (!d.path("name").isTextual()) {
          return "* GenerateContentRequest.tools[0].function_declarations: name is required";
        }
      }
    }
    return null;
  }

  // ---- answers ----

  private static String echo(JsonNode req) {
    JsonNode contents = req.path("contents");
    for (int i = contents.size() - 1; i >= 0; i--) {
      JsonNode c = contents.get(i);
      if (!c.path("role").asText().equals("user")) {
        continue;
      }
      StringBuilder text = new StringBuilder();
      int images = 0;
      for (JsonNode p : c.path("parts")) {
        if (p.has("text")) {
          text.append(text.length() == 0 ? "" : " ").append(p.get("text").asText());
        } else if (p.has("inlineData")) {
          images++;
        } else if (p.has("functionResponse")) {
          text.append(text.length() == 0 ? "" : " ").append("result ").append(p.get("functionResponse").path("response"));
        }
      }
      return "echo: " + text + (images > 0 ? " [images: " + images + "]" : "");
    }
    return "echo: ";
  }

  private static ObjectNode response(String model) {
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    ObjectNode candidate = root.putArray("candidates").addObject();
    candidate.putObject("content").put("role", "model").putArray("parts");
    candidate.put("index", 0);
    root.put("modelVersion", model);
    return root;
  }

  private static ArrayNode candidate(ObjectNode response) {
    return (ArrayNode) response.path("candidates").path(0).path("content").path("parts");
  }

  private static void functionCall(ArrayNode parts, Script.ToolCall tool) {
    ObjectNode fc = parts.addObject().putObject("functionCall");
    fc.put("name", tool.name());
    fc.set("args", FakeClaudeServer.parse(tool.arguments()));
  }

  private static void finish(ObjectNode response, JsonNode req, String completion) {
    ((ObjectNode) response.path("candidates").path(0)).put("finishReason", "STOP");
    int prompt = 0;
    for (JsonNode c : req.path("contents")) {
      for (JsonNode p : c.path("parts")) {
        prompt += ChatAnswers.words(p.path("text").asText(""));
      }
    }
    int out = ChatAnswers.words(completion);
    response.putObject("usageMetadata").put("promptTokenCount", prompt).put("candidatesTokenCount", out)
        .put("totalTokenCount", prompt + out);
  }

  private void stream(FakeExchange ex, JsonNode req, String model, String content, Script.ToolCall tool,
                      String midStream) throws IOException, InterruptedException {
    ex.startEvents();
    int sent = 0;
    if (reasoning() != null) {
      ObjectNode chunk = response(model);
      candidate(chunk).addObject().put("text", reasoning()).put("thought", true);
      ex.sendEvent(null, chunk, false);
    }
    if (tool != null) {
      ObjectNode chunk = response(model);
      functionCall(candidate(chunk), tool);
      finish(chunk, req, tool.arguments());
      ex.sendEvent(null, chunk, true);
      return;
    }
    List<String> pieces = ChatAnswers.pieces(content);
    for (int i = 0; i < pieces.size(); i++) {
      if (midStream != null && sent == 2) {
        ex.sendEvent(null, errorBody(500, midStream), true);
        return;
      }
      ChatAnswers.pause(chunkDelay(), sent++);
      ObjectNode chunk = response(model);
      candidate(chunk).addObject().put("text", pieces.get(i));
      boolean last = i == pieces.size() - 1 && midStream == null;
      if (last) {
        finish(chunk, req, content);
      }
      ex.sendEvent(null, chunk, last);
    }
    if (midStream != null) {
      ex.sendEvent(null, errorBody(500, midStream), true);
    }
  }

  private void embeddings(FakeExchange ex, JsonNode req, boolean batch) throws IOException {
    List<JsonNode> requests = new java.util.ArrayList<>();
    if (batch) {
      req.path("requests").forEach(requests::add);
    } else {
      requests.add(req);
    }
    if (requests.isEmpty() || requests.size() > 100) {
      ex.sendJson(400, errorBody(400, "* BatchEmbedContentsRequest.requests: at least 1 and at most 100 requests"), Map.of());
      return;
    }
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    ArrayNode embeddings = root.putArray("embeddings");
    for (JsonNode r : requests) {
      JsonNode parts = r.path("content").path("parts");
      if (!parts.isArray() || parts.isEmpty() || !parts.get(0).path("text").isTextual()) {
        ex.sendJson(400, errorBody(400, "* EmbedContentRequest.content: content.parts must hold text"), Map.of());
        return;
      }
      if (batch && !r.path("model").asText().startsWith("models/")) {
        ex.sendJson(400, errorBody(400, "* BatchEmbedContentsRequest.requests.model: must be models/<name>"), Map.of());
        return;
      }
      float[] v = MediaAnswers.vector(parts.get(0).get("text").asText(), r.path("outputDimensionality").asInt(embeddingDimension()));
      ArrayNode values = embeddings.addObject().putArray("values");
      for (float f : v) {
        values.add(f);
      }
    }
    if (batch) {
      ex.sendJson(200, root, Map.of());
    } else {
      ObjectNode single = FakeExchange.JSON.createObjectNode();
      single.set("embedding", embeddings.get(0));
      ex.sendJson(200, single, Map.of());
    }
  }
}
