package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.Usage;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code saas/gemini}: Google's Gemini API ({@code models/<model>:generateContent},
 * {@code :streamGenerateContent?alt=sse}, {@code :embedContent}, {@code :batchEmbedContents}; the key
 * in {@code x-goog-api-key}). Messages become {@code contents} of {@code user}/{@code model} turns
 * with {@code parts}; system messages become {@code systemInstruction}; data-URL images
 * {@code inlineData}; OpenAI tools {@code functionDeclarations}, tool calls {@code functionCall} and
 * tool messages {@code functionResponse}, and back; thought parts come out as {@code reasoning_content}.
 */
final class GeminiWire implements WireFormat {
  static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";
  static final String DEFAULT_MODEL = "gemini-2.0-flash";
  static final String DEFAULT_EMBEDDING_MODEL = "text-embedding-004";
  /** batchEmbedContents takes at most this many requests. */
  static final int MAX_BATCH = 100;

  private final UpstreamSettings settings;
  private final String embeddingModel;

  GeminiWire(ModelSpec spec) {
    this.settings = UpstreamSettings.from(spec, DEFAULT_BASE_URL, DEFAULT_MODEL);
    // An embedding deployment names its model in saas.model; a chat one embeds with Google's default.
    this.embeddingModel = spec.param("saas.embedding_model",
        settings.model().contains("embedding") ? settings.model() : DEFAULT_EMBEDDING_MODEL);
  }

  @Override
  public String engine() {
    return "gemini";
  }

  @Override
  public UpstreamSettings settings() {
    return settings;
  }

  @Override
  public void authorize(HttpRequest.Builder request, String apiKey) {
    if (apiKey != null) {
      request.header("x-goog-api-key", apiKey);
    }
  }

  @Override
  public void describe(Map<String, Object> out) {
    out.put("embedding_model", embeddingModel);
  }

  private static String modelPath(String model) {
    String name = model.startsWith("models/") ? model.substring("models/".length()) : model;
    return "/models/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  // ---- chat requests ----

  @Override
  public WireRequest chat(ChatCall call, boolean stream) {
    ChatOptions o = call.options();
    String model = o.model() == null || o.model().isBlank() ? settings.model() : o.model();
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    ArrayNode contents = body.putArray("contents");
    StringBuilder system = new StringBuilder();
    List<JsonNode> calls = new ArrayList<>();
    for (int i = 0; i < call.messages().size(); i++) {
      ChatMessage m = call.messages().get(i);
      if (m.role().equals("system") || m.role().equals("developer")) {
        system.append(system.length() == 0 ? "" : "\n\n").append(m.text());
        continue;
      }
      append(contents, m.role().equals("assistant") ? "model" : "user", parts(m, i, calls));
      if (m.toolCalls() != null) {
        m.toolCalls().forEach(calls::add);
      }
    }
    if (system.length() > 0) {
      body.putObject("systemInstruction").putArray("parts").addObject().put("text", system.toString());
    }
    ObjectNode config = SaasJson.MAPPER.createObjectNode();
    if (o.maxTokens() != null) {
      config.put("maxOutputTokens", o.maxTokens());
    }
    if (o.temperature() != null) {
      config.put("temperature", o.temperature());
    }
    if (o.topP() != null) {
      config.put("topP", o.topP());
    }
    if (o.extra().get("top_k") != null) {
      config.put("topK", o.extra().get("top_k").asInt());
    }
    if (!o.stop().isEmpty()) {
      ArrayNode stop = config.putArray("stopSequences");
      o.stop().forEach(stop::add);
    }
    if (!config.isEmpty()) {
      body.set("generationConfig", config);
    }
    tools(body, o.extra().get("tools"), o.extra().get("tool_choice"));
    String path = modelPath(model) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
    return WireRequest.json(path, body, stream);
  }

  private static void append(ArrayNode contents, String role, ArrayNode parts) {
    JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
    if (last != null && last.path("role").asText().equals(role)) {
      ((ArrayNode) last.get("parts")).addAll(parts);
      return;
    }
    ObjectNode c = contents.addObject();
    c.put("role", role);
    c.set("parts", parts);
  }

  private static ArrayNode parts(ChatMessage m, int index, List<JsonNode> earlierCalls) {
    ArrayNode out = SaasJson.MAPPER.createArrayNode();
    String where = "messages[" + index + "]";
    if (m.role().equals("tool")) {
      String name = ChatTranslation.functionNameOf(m.toolCallId(), earlierCalls);
      if (name == null) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, where + ".tool_call_id '" + m.toolCallId()
            + "' names no tool call of an earlier assistant message; Gemini needs the function's name");
      }
      ObjectNode response = out.addObject().putObject("functionResponse");
      response.put("name", name);
      JsonNode result = parseOrNull(m.text());
      response.set("response", result != null && result.isObject() ? result
          : SaasJson.MAPPER.createObjectNode().put("result", m.text()));
      return out;
    }
    if (m.content().isTextual()) {
      if (!m.text().isEmpty()) {
        out.addObject().put("text", m.text());
      }
    } else {
      for (JsonNode part : m.content()) {
        String type = part.path("type").asText();
        if (type.equals("text")) {
          out.addObject().put("text", part.path("text").asText());
        } else if (type.equals("image_url")) {
          String url = ChatTranslation.imageUrl(part);
          ChatTranslation.DataUrl data = ChatTranslation.dataUrl(url, where + ".content");
          if (data == null) {
            throw new LlmException(ErrorKind.INVALID_REQUEST, where + ".content has an image by URL; Gemini takes "
                + "images inline: send it as a data URL (data:image/png;base64,...)");
          }
          out.addObject().putObject("inlineData").put("mimeType", data.mediaType()).put("data", data.base64());
        }
      }
    }
    if (m.toolCalls() != null) {
      for (JsonNode call : m.toolCalls()) {
        ObjectNode fc = out.addObject().putObject("functionCall");
        fc.put("name", call.path("function").path("name").asText());
        fc.set("args", ChatTranslation.arguments(call));
      }
    }
    return out;
  }

  private static JsonNode parseOrNull(String text) {
    try {
      return SaasJson.MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static void tools(ObjectNode body, JsonNode tools, JsonNode toolChoice) {
    List<ChatTranslation.Function> functions = ChatTranslation.functions(tools);
    if (functions.isEmpty()) {
      return;
    }
    ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
    for (ChatTranslation.Function f : functions) {
      ObjectNode d = declarations.addObject().put("name", f.name());
      if (f.description() != null) {
        d.put("description", f.description());
      }
      d.set("parameters", f.parameters());
    }
    String forced = ChatTranslation.forcedFunction(toolChoice);
    String mode = forced != null || toolChoice != null && "required".equals(toolChoice.asText()) ? "ANY"
        : toolChoice != null && "none".equals(toolChoice.asText()) ? "NONE" : null;
    if (mode != null) {
      ObjectNode fcc = body.putObject("toolConfig").putObject("functionCallingConfig").put("mode", mode);
      if (forced != null) {
        fcc.putArray("allowedFunctionNames").add(forced);
      }
    }
  }

  // ---- chat answers ----

  @Override
  public ChatResult readChat(String requestId, byte[] body) {
    JsonNode root = ChatTranslation.parse(OpenAiResponses.text(body));
    Candidate c = candidate(root, new int[] {0});
    if (c == null) {
      throw new MalformedAnswer("an answer without candidates", OpenAiResponses.text(body));
    }
    return new ChatResult(requestId, c.text(), c.thought(), c.finishReason(), usage(root),
        OpenAiResponses.textOrNull(root.path("modelVersion")), c.toolCalls(), 0);
  }

  /** The first candidate's text, thought text, calls (numbered from {@code nextCall[0]}) and finish reason. */
  private record Candidate(String text, String thought, ArrayNode toolCalls, String finishReason) {}

  private static Candidate candidate(JsonNode root, int[] nextCall) {
    JsonNode candidate = root.path("candidates").path(0);
    if (candidate.isMissingNode()) {
      String blocked = root.path("promptFeedback").path("blockReason").asText(null);
      return blocked == null ? null : new Candidate("", null, null, "content_filter");
    }
    StringBuilder text = new StringBuilder();
    StringBuilder thought = new StringBuilder();
    ArrayNode calls = SaasJson.MAPPER.createArrayNode();
    for (JsonNode part : candidate.path("content").path("parts")) {
      if (part.has("functionCall")) {
        JsonNode fc = part.get("functionCall");
        int index = nextCall[0]++;
        calls.add(ChatTranslation.toolCall(index, fc.path("id").asText("call_" + index), fc.path("name").asText(),
            ChatTranslation.text(fc.path("args").isMissingNode() ? SaasJson.MAPPER.createObjectNode() : fc.get("args"))));
      } else if (part.path("thought").asBoolean(false)) {
        thought.append(part.path("text").asText(""));
      } else if (part.path("text").isTextual()) {
        text.append(part.get("text").asText());
      }
    }
    String finish = finishReason(candidate.path("finishReason").asText(null), !calls.isEmpty());
    return new Candidate(text.toString(), thought.length() == 0 ? null : thought.toString(),
        calls.isEmpty() ? null : calls, finish);
  }

  /** Gemini's {@code finishReason} as OpenAI's {@code finish_reason}. */
  static String finishReason(String reason, boolean calledTools) {
    if (reason == null || reason.equals("FINISH_REASON_UNSPECIFIED")) {
      return null;
    }
    return switch (reason) {
      case "STOP" -> calledTools ? "tool_calls" : "stop";
      case "MAX_TOKENS" -> "length";
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
      default -> "stop";
    };
  }

  private static Usage usage(JsonNode root) {
    JsonNode u = root.path("usageMetadata");
    return u.isObject() ? new Usage(u.path("promptTokenCount").asInt(0),
        u.path("candidatesTokenCount").asInt(0) + u.path("thoughtsTokenCount").asInt(0)) : null;
  }

  @Override
  public ChunkReader chunkReader() {
    return new ChunkReader() {
      private final int[] nextCall = {0};
      private boolean calledTools;

      /** Each event is a whole GenerateContentResponse; the stream ends at the end of the body. */
      @Override
      public Chunk read(String event, String data) {
        JsonNode root = ChatTranslation.parse(data);
        if (root.has("error")) {
          return new Chunk.Failed(GeminiWire.message(root));
        }
        Candidate c = candidate(root, nextCall);
        if (c == null) {
          return Chunk.NOTHING;
        }
        calledTools |= c.toolCalls() != null;
        String finish = c.finishReason() == null ? null
            : c.finishReason().equals("stop") && calledTools ? "tool_calls" : c.finishReason();
        return new Chunk.Delta(new ChatDelta(c.text().isEmpty() ? null : c.text(), c.thought(), finish,
            finish == null ? null : usage(root), c.toolCalls()), OpenAiResponses.textOrNull(root.path("modelVersion")));
      }
    };
  }

  // ---- embeddings ----

  /** One input: {@code :embedContent}; several: {@code :batchEmbedContents}, one request each, in order. */
  @Override
  public WireRequest embeddings(EmbeddingCall call) {
    String model = call.model() == null || call.model().isBlank() ? embeddingModel : call.model();
    if (call.inputs().size() > MAX_BATCH) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "Gemini embeds at most " + MAX_BATCH
          + " inputs a request (got " + call.inputs().size() + "); send them in batches");
    }
    if (call.inputs().size() == 1) {
      return WireRequest.json(modelPath(model) + ":embedContent", embedRequest(call, model, call.inputs().get(0)), false);
    }
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    ArrayNode requests = body.putArray("requests");
    call.inputs().forEach(input -> requests.add(embedRequest(call, model, input)));
    return WireRequest.json(modelPath(model) + ":batchEmbedContents", body, false);
  }

  private static ObjectNode embedRequest(EmbeddingCall call, String model, String input) {
    ObjectNode r = SaasJson.MAPPER.createObjectNode();
    r.put("model", "models/" + (model.startsWith("models/") ? model.substring("models/".length()) : model));
    r.putObject("content").putArray("parts").addObject().put("text", input);
    r.put("taskType", call.query() ? "RETRIEVAL_QUERY" : "RETRIEVAL_DOCUMENT");
    if (call.dimensions() != null) {
      r.put("outputDimensionality", call.dimensions());
    }
    return r;
  }

  @Override
  public EmbeddingResult readEmbeddings(byte[] body) {
    JsonNode root = ChatTranslation.parse(OpenAiResponses.text(body));
    JsonNode embeddings = root.has("embedding") ? ChatTranslation.array(root.get("embedding")) : root.path("embeddings");
    if (!embeddings.isArray()) {
      throw new MalformedAnswer("an answer without embeddings", OpenAiResponses.text(body));
    }
    List<float[]> vectors = new ArrayList<>();
    for (JsonNode e : embeddings) {
      JsonNode values = e.path("values");
      if (!values.isArray()) {
        throw new MalformedAnswer("an embedding without values", OpenAiResponses.text(body));
      }
      float[] v = new float[values.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) values.get(i).asDouble();
      }
      vectors.add(v);
    }
    return new EmbeddingResult(vectors, Usage.NONE, 0, embeddingModel);
  }

  // ---- errors ----

  /** {@code {"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT"}}} as "INVALID_ARGUMENT: ...". */
  @Override
  public String errorMessage(byte[] body) {
    JsonNode root = parseOrNull(OpenAiResponses.text(body));
    if (root != null && root.path("error").path("message").isTextual()) {
      return message(root);
    }
    return WireFormat.super.errorMessage(body);
  }

  private static String message(JsonNode root) {
    JsonNode error = root.path("error");
    String status = error.path("status").asText("");
    return (status.isEmpty() ? "" : status + ": ") + error.path("message").asText();
  }

  /**
   * Google answers a bad key with 400 (reason {@code API_KEY_INVALID}): that is a 401; an unsupported
   * location ({@code FAILED_PRECONDITION}) is a 403: no change to the request helps.
   */
  @Override
  public ErrorKind errorKind(int status, byte[] body) {
    String text = OpenAiResponses.text(body);
    if (status == 400 && text.contains("API_KEY_INVALID")) {
      return ErrorKind.AUTHENTICATION;
    }
    if (status == 400 && text.contains("FAILED_PRECONDITION")) {
      return ErrorKind.PERMISSION;
    }
    return null;
  }
}
