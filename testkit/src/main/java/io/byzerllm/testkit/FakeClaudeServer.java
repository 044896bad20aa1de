package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local upstream that speaks Anthropic's Messages API as documented: {@code POST /v1/messages}
 * with {@code x-api-key} and {@code anthropic-version}, JSON or SSE ({@code message_start},
 * {@code content_block_start/delta/stop}, {@code message_delta}, {@code message_stop}, {@code ping}),
 * errors as {@code {"type":"error","error":{"type","message"}}}, 529 {@code overloaded_error}.
 *
 * <p>It checks what it receives as Anthropic does and answers a 400 {@code invalid_request_error}
 * naming the problem: the version header, {@code model}, {@code max_tokens}, {@code messages} that
 * start with {@code user} and alternate, no {@code system} role inside them, known block types,
 * base64 images with a media type, tool results that answer a {@code tool_use} of the turn before,
 * and, as extended thinking requires, thinking blocks sent back unchanged: each {@code signature} (and
 * redacted block's {@code data}) must be one this server issued for that text, and with {@code thinking}
 * enabled the last assistant turn that used tools must start with its thinking blocks.
 *
 * <p>With {@code thinking} enabled (or {@link #reasoning} set) an answer starts with a signed
 * {@code thinking} block; with {@code thinking} enabled a {@code redacted_thinking} block follows it.
 * Streams carry the signature as a {@code signature_delta} and the redacted block whole.
 *
 * <p>With nothing queued it answers {@code "echo: " + <last user text>}, plus {@code " [images: N]"}
 * when the last user turn held images; usage counts words. Scripting is {@link FakeUpstream}'s.
 */
public final class FakeClaudeServer extends FakeUpstream<FakeClaudeServer> {
  private static final AtomicLong IDS = new AtomicLong();
  private static final Set<String> MEDIA_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
  private static final String THINKING = "Let me work out what is asked.";
  // what this server signed: signature -> the thinking text; redacted blocks' data
  private final Map<String, String> signatures = new ConcurrentHashMap<>();
  private final Set<String> redacted = ConcurrentHashMap.newKeySet();

  private FakeClaudeServer() {
    super("fake-claude");
  }

  public static FakeClaudeServer start() {
    return new FakeClaudeServer();
  }

  /** {@code http://127.0.0.1:PORT}, what {@code saas.base_url} should be (the API adds {@code /v1/messages}). */
  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  boolean isChat(FakeExchange ex) {
    return ex.path().equals("/v1/messages");
  }

  @Override
  boolean authorized(FakeExchange ex) throws IOException {
    String key = requiredApiKey();
    if (key == null) {
      return true;
    }
    String received = ex.header("x-api-key");
    if (received == null) {
      ex.sendJson(401, errorBody(401, "x-api-key header is required"), Map.of());
      return false;
    }
    if (!received.equals(key)) {
      ex.sendJson(401, errorBody(401, "invalid x-api-key"), Map.of());
      return false;
    }
    return true;
  }

  @Override
  JsonNode errorBody(int status, String message) {
    ObjectNode root = FakeExchange.JSON.createObjectNode().put("type", "error");
    root.putObject("error").put("type", switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 529 -> "overloaded_error";
      default -> "api_error";
    }).put("message", message);
    return root;
  }

  @Override
  void route(FakeExchange ex, Script script) throws IOException, InterruptedException {
    if (!ex.path().equals("/v1/messages")) {
      ex.sendJson(404, errorBody(404, "Not found: POST " + ex.path()), Map.of());
      return;
    }
    JsonNode req = ex.json();
    String problem = problem(ex, req);
    if (problem != null) {
      ex.sendJson(400, errorBody(400, problem), Map.of());
      return;
    }
    Script.ToolCall tool = script instanceof Script.ToolCall t ? t : null;
    String content = tool != null ? "" : script instanceof Script.Reply r ? r.content() : echo(req);
    String midStream = script instanceof Script.FailMidStream f ? f.message() : null;
    if (req.path("stream").asBoolean(false)) {
      stream(ex, req, content, tool, midStream);
    } else {
      ex.sendJson(200, message(req, content, tool), Map.of());
    }
  }

  // ---- what Anthropic checks ----

  private String problem(FakeExchange ex, JsonNode req) {
    if (ex.header("anthropic-version") == null) {
      return "anthropic-version: header is required";
    }
    if (!req.path("model").isTextual()) {
      return "model: Field required";
    }
    if (!req.path("max_tokens").isInt() || req.get("max_tokens").asInt() < 1) {
      return "max_tokens: Field required";
    }
    if (req.has("system") && !req.get("system").isTextual() && !req.get("system").isArray()) {
      return "system: Input should be a valid string or list of text blocks";
    }
    JsonNode messages = req.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      return "messages: at least one message is required";
    }
    String thinkingProblem = thinkingProblem(req);
    if (thinkingProblem != null) {
      return thinkingProblem;
    }
    Set<String> previousToolUses = Set.of();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText();
      if (!role.equals("user") && !role.equals("assistant")) {
        return "messages." + i + ".role: Input should be 'user' or 'assistant' (got '" + role
            + "'); a system prompt goes in the top-level system field";
      }
      if (i == 0 && !role.equals("user")) {
        return "messages: first message must use the \"user\" role";
      }
      if (i > 0 && role.equals(messages.get(i - 1).path("role").asText())) {
        return "messages: roles must alternate between \"user\" and \"assistant\"";
      }
      Set<String> toolUses = new HashSet<>();
      String blockProblem = blocks(m.path("content"), "messages." + i + ".content", previousToolUses, toolUses,
          i == messages.size() - 1 && role.equals("assistant"));
      if (blockProblem != null) {
        return blockProblem;
      }
      previousToolUses = toolUses;
    }
    for (JsonNode t : req.path("tools")) {
      if (!t.path("name").isTextual() || !t.path("input_schema").isObject()) {
        return "tools: each tool needs a name and an input_schema object";
      }
    }
    return null;
  }

  /** Anthropic's rule for tool loops with thinking: the last assistant turn that used tools starts with its thinking. */
  private static String thinkingProblem(JsonNode req) {
    if (!thinkingEnabled(req)) {
      return null;
    }
    JsonNode messages = req.path("messages");
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode m = messages.get(i);
      if (!m.path("role").asText().equals("assistant")) {
        continue;
      }
      boolean usedTools = false;
      for (JsonNode b : m.path("content")) {
        usedTools |= b.path("type").asText().equals("tool_use");
      }
      String first = m.path("content").path(0).path("type").asText();
      if (usedTools && !first.equals("thinking") && !first.equals("redacted_thinking")) {
        return "messages." + i + ".content.0.type: Expected `thinking` or `redacted_thinking`, but found `" + first
            + "`. When `thinking` is enabled, a final `assistant` message must start with a thinking block "
            + "(preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking "
            + "blocks from previous turns.";
      }
      return null;
    }
    return null;
  }

  private static boolean thinkingEnabled(JsonNode req) {
    String type = req.path("thinking").path("type").asText();
    return type.equals("enabled") || type.equals("adaptive");
  }

  private String blocks(JsonNode content, String where, Set<String> previousToolUses, Set<String> toolUses,
                        boolean prefill) {
    if (content.isTextual()) {
      return prefill && !content.asText().equals(content.asText().stripTrailing())
          ? "final assistant content cannot end with trailing whitespace" : null;
    }
    if (!content.isArray()) {
      return where + ": Input should be a valid string or list of content blocks";
    }
    for (int j = 0; j < content.size(); j++) {
      JsonNode b = content.get(j);
      String at = where + "." + j;
      switch (b.path("type").asText()) {
        case "text" -> {
          if (!b.path("text").isTextual() || b.get("text").asText().isEmpty()) {
            return at + ".text: text content blocks must be non-empty";
          }
          if (prefill && j == content.size() - 1 && !b.get("text").asText().equals(b.get("text").asText().stripTrailing())) {
            return "final assistant content cannot end with trailing whitespace";
          }
        }
        case "image" -> {
          JsonNode source = b.path("source");
          boolean base64 = source.path("type").asText().equals("base64")
              && MEDIA_TYPES.contains(source.path("media_type").asText()) && source.path("data").isTextual();
          boolean url = source.path("type").asText().equals("url") && source.path("url").isTextual();
          if (!base64 && !url) {
            return at + ".source: an image needs {type: base64, media_type: one of " + MEDIA_TYPES + ", data} or {type: url, url}";
          }
        }
        case "tool_use" -> {
          if (!b.path("id").isTextual() || !b.path("name").isTextual() || !b.path("input").isObject()) {
            return at + ": tool_use needs id, name and an input object";
          }
          toolUses.add(b.get("id").asText());
        }
        case "thinking" -> {
          String signed = signatures.get(b.path("signature").asText(""));
          if (signed == null || !signed.equals(b.path("thinking").asText())) {
            return at + ": Invalid `signature` in `thinking` block";
          }
        }
        case "redacted_thinking" -> {
          if (!redacted.contains(b.path("data").asText(""))) {
            return at + ": Invalid `data` in `redacted_thinking` block";
          }
        }
        case "tool_result" -> {
          if (!previousToolUses.contains(b.path("tool_use_id").asText())) {
            return at + ".tool_use_id: unexpected tool_use_id found in tool_result blocks: "
                + b.path("tool_use_id").asText() + ". Each tool_result block must have a corresponding tool_use block "
                + "in the previous message.";
          }
        }
        default -> {
          return at + ".type: unknown content block type '" + b.path("type").asText() + "'";
        }
      }
    }
    return null;
  }

  // ---- answers ----

  private static String echo(JsonNode req) {
    JsonNode messages = req.path("messages");
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode m = messages.get(i);
      if (!m.path("role").asText().equals("user")) {
        continue;
      }
      StringBuilder text = new StringBuilder();
      int images = 0;
      if (m.path("content").isTextual()) {
        text.append(m.get("content").asText());
      }
      for (JsonNode b : m.path("content")) {
        switch (b.path("type").asText()) {
          case "text" -> text.append(text.length() == 0 ? "" : " ").append(b.path("text").asText());
          case "image" -> images++;
          case "tool_result" -> {
            text.append(text.length() == 0 ? "" : " ").append("result ").append(b.path("content").asText());
          }
          default -> { }
        }
      }
      return "echo: " + text + (images > 0 ? " [images: " + images + "]" : "");
    }
    return "echo: ";
  }

  private ObjectNode message(JsonNode req, String content, Script.ToolCall tool) {
    ObjectNode root = envelope(req);
    var blocks = root.putArray("content");
    String thinking = thinking(req);
    if (thinking != null) {
      blocks.addObject().put("type", "thinking").put("thinking", thinking).put("signature", sign(thinking));
    }
    if (thinkingEnabled(req)) {
      blocks.addObject().put("type", "redacted_thinking").put("data", redactedData());
    }
    if (tool == null) {
      blocks.addObject().put("type", "text").put("text", content);
    } else {
      ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", "toolu_fake_0").put("name", tool.name());
      use.set("input", parse(tool.arguments()));
    }
    root.put("stop_reason", tool == null ? "end_turn" : "tool_use");
    root.putNull("stop_sequence");
    root.putObject("usage").put("input_tokens", inputTokens(req))
        .put("output_tokens", ChatAnswers.words(tool == null ? content : tool.arguments()));
    return root;
  }

  private static ObjectNode envelope(JsonNode req) {
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    root.put("id", "msg_fake_" + IDS.incrementAndGet());
    root.put("type", "message");
    root.put("role", "assistant");
    root.put("model", req.path("model").asText());
    return root;
  }

  private void stream(FakeExchange ex, JsonNode req, String content, Script.ToolCall tool, String midStream)
      throws IOException, InterruptedException {
    ex.startEvents();
    ObjectNode start = FakeExchange.JSON.createObjectNode().put("type", "message_start");
    ObjectNode message = envelope(req);
    message.putArray("content");
    message.putNull("stop_reason");
    message.putObject("usage").put("input_tokens", inputTokens(req)).put("output_tokens", 1);
    start.set("message", message);
    ex.sendEvent("message_start", start, false);
    int block = 0;
    int sent = 0;
    String thinking = thinking(req);
    if (thinking != null) {
      blockStart(ex, block, FakeExchange.JSON.createObjectNode().put("type", "thinking").put("thinking", ""));
      for (String piece : ChatAnswers.pieces(thinking)) {
        blockDelta(ex, block, FakeExchange.JSON.createObjectNode().put("type", "thinking_delta").put("thinking", piece));
      }
      blockDelta(ex, block, FakeExchange.JSON.createObjectNode().put("type", "signature_delta")
          .put("signature", sign(thinking)));
      blockStop(ex, block++);
    }
    if (thinkingEnabled(req)) {
      blockStart(ex, block, FakeExchange.JSON.createObjectNode().put("type", "redacted_thinking").put("data", redactedData()));
      blockStop(ex, block++);
    }
    ex.sendEvent("ping", FakeExchange.JSON.createObjectNode().put("type", "ping"), false);
    if (tool == null) {
      blockStart(ex, block, FakeExchange.JSON.createObjectNode().put("type", "text").put("text", ""));
      for (String piece : ChatAnswers.pieces(content)) {
        if (midStream != null && sent == 2) {
          ex.sendEvent("error", errorBody(529, midStream), true);
          return;
        }
        ChatAnswers.pause(chunkDelay(), sent++);
        blockDelta(ex, block, FakeExchange.JSON.createObjectNode().put("type", "text_delta").put("text", piece));
      }
      if (midStream != null) {
        ex.sendEvent("error", errorBody(529, midStream), true);
        return;
      }
    } else {
      ObjectNode use = FakeExchange.JSON.createObjectNode().put("type", "tool_use").put("id", "toolu_fake_0")
          .put("name", tool.name());
      use.putObject("input");
      blockStart(ex, block, use);
      String args = tool.arguments();
      for (int i = 0; i < args.length(); i += 8) {
        blockDelta(ex, block, FakeExchange.JSON.createObjectNode().put("type", "input_json_delta")
            .put("partial_json", args.substring(i, Math.min(args.length(), i + 8))));
      }
    }
    blockStop(ex, block);
    ObjectNode delta = FakeExchange.JSON.createObjectNode().put("type", "message_delta");
    delta.putObject("delta").put("stop_reason", tool == null ? "end_turn" : "tool_use").putNull("stop_sequence");
    delta.putObject("usage").put("output_tokens", ChatAnswers.words(tool == null ? content : tool.arguments()));
    ex.sendEvent("message_delta", delta, false);
    ex.sendEvent("message_stop", FakeExchange.JSON.createObjectNode().put("type", "message_stop"), true);
  }

  /** The thinking an answer starts with: the scripted reasoning, else a fixed text when the request enabled thinking. */
  private String thinking(JsonNode req) {
    return reasoning() != null ? reasoning() : thinkingEnabled(req) ? THINKING : null;
  }

  private String sign(String thinking) {
    String signature = "EqSigFake" + IDS.incrementAndGet() + "x" + Integer.toHexString(thinking.hashCode());
    signatures.put(signature, thinking);
    return signature;
  }

  private String redactedData() {
    String data = "EmwKAhgBEgyRedactedFake" + IDS.incrementAndGet();
    redacted.add(data);
    return data;
  }

  private static void blockStart(FakeExchange ex, int index, ObjectNode block) throws IOException {
    ObjectNode e = FakeExchange.JSON.createObjectNode().put("type", "content_block_start").put("index", index);
    e.set("content_block", block);
    ex.sendEvent("content_block_start", e, false);
  }

  private static void blockDelta(FakeExchange ex, int index, ObjectNode delta) throws IOException {
    ObjectNode e = FakeExchange.JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
    e.set("delta", delta);
    ex.sendEvent("content_block_delta", e, false);
  }

  private static void blockStop(FakeExchange ex, int index) throws IOException {
    ex.sendEvent("content_block_stop", FakeExchange.JSON.createObjectNode().put("type", "content_block_stop")
        .put("index", index), false);
  }

  private static int inputTokens(JsonNode req) {
    int n = ChatAnswers.words(req.path("system").asText(""));
    for (JsonNode m : req.path("messages")) {
      if (m.path("content").isTextual()) {
        n += ChatAnswers.words(m.get("content").asText());
      }
      for (JsonNode b : m.path("content")) {
        n += ChatAnswers.words(b.path("text").asText(""));
      }
    }
    return n;
  }

  static JsonNode parse(String json) {
    try {
      return FakeExchange.JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("tool call arguments must be JSON: " + json, e);
    }
  }

  /** The {@code messages} of the last request, for tests that assert what was sent. */
  public List<JsonNode> lastMessages() {
    List<JsonNode> out = new java.util.ArrayList<>();
    lastRequest().json().path("messages").forEach(out::add);
    return out;
  }
}
