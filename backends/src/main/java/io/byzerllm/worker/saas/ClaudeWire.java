package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.Usage;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code saas/claude}: Anthropic's Messages API ({@code POST /v1/messages}, {@code x-api-key} and
 * {@code anthropic-version} headers). System messages are lifted to {@code system}; data-URL images
 * become image blocks; a trailing assistant message is a prefill Claude continues; OpenAI tools and
 * tool calls become {@code tool_use}/{@code tool_result} blocks and back; thinking blocks come out as
 * {@code reasoning_content} and, signatures and redacted blocks included, as {@code thinking_blocks},
 * which an assistant message sends back first, unchanged, as Anthropic requires in a tool loop with
 * thinking enabled. {@code max_tokens} is required by Anthropic: {@code saas.max_tokens}
 * (default {@value #DEFAULT_MAX_TOKENS}) unless the call sets one.
 */
final class ClaudeWire implements WireFormat {
  static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
  static final String DEFAULT_MODEL = "claude-sonnet-4-20250514";
  static final String DEFAULT_VERSION = "2023-06-01";
  static final int DEFAULT_MAX_TOKENS = 4096;
  // Options of the Messages API a caller may pass through as they are; OpenAI-only ones are dropped.
  private static final Set<String> PASSED_THROUGH = Set.of("top_k", "thinking", "metadata", "service_tier");

  private final UpstreamSettings settings;
  private final String version;
  private final int maxTokens;

  ClaudeWire(ModelSpec spec) {
    this.settings = UpstreamSettings.from(spec, DEFAULT_BASE_URL, DEFAULT_MODEL);
    this.version = spec.param("saas.anthropic_version", DEFAULT_VERSION);
    String max = spec.param("saas.max_tokens", String.valueOf(DEFAULT_MAX_TOKENS));
    try {
      this.maxTokens = Integer.parseInt(max.trim());
    } catch (NumberFormatException e) {
      throw new InvalidSpecException("saas.max_tokens must be a whole number > 0 (got '" + max + "')");
    }
    if (maxTokens <= 0) {
      throw new InvalidSpecException("saas.max_tokens must be a whole number > 0 (got '" + max + "')");
    }
  }

  @Override
  public String engine() {
    return "anthropic";
  }

  @Override
  public UpstreamSettings settings() {
    return settings;
  }

  @Override
  public void authorize(HttpRequest.Builder request, String apiKey) {
    if (apiKey != null) {
      request.header("x-api-key", apiKey);
    }
    request.header("anthropic-version", version);
  }

  @Override
  public void describe(Map<String, Object> out) {
    out.put("anthropic_version", version);
  }

  // ---- requests ----

  @Override
  public WireRequest chat(ChatCall call, boolean stream) {
    ChatOptions o = call.options();
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    body.put("model", o.model() == null || o.model().isBlank() ? settings.model() : o.model());
    body.put("max_tokens", o.maxTokens() == null ? maxTokens : o.maxTokens());
    StringBuilder system = new StringBuilder();
    ArrayNode messages = body.putArray("messages");
    for (int i = 0; i < call.messages().size(); i++) {
      ChatMessage m = call.messages().get(i);
      if (m.role().equals("system") || m.role().equals("developer")) {
        system.append(system.length() == 0 ? "" : "\n\n").append(m.text());
      } else {
        boolean lastPrefill = i == call.messages().size() - 1 && m.role().equals("assistant");
        append(messages, m.role().equals("assistant") ? "assistant" : "user", blocks(m, i, lastPrefill));
      }
    }
    if (system.length() > 0) {
      body.put("system", system.toString());
    }
    if (o.temperature() != null) {
      body.put("temperature", o.temperature());
    }
    if (o.topP() != null) {
      body.put("top_p", o.topP());
    }
    if (!o.stop().isEmpty()) {
      ArrayNode stop = body.putArray("stop_sequences");
      o.stop().forEach(stop::add);
    }
    tools(body, o.extra().get("tools"), o.extra().get("tool_choice"));
    o.extra().forEach((k, v) -> {
      if (PASSED_THROUGH.contains(k)) {
        body.set(k, v);
      }
    });
    if (stream) {
      body.put("stream", true);
    }
    return WireRequest.json("/v1/messages", body, stream);
  }

  /** Anthropic wants user and assistant turns to alternate: consecutive ones of a role are merged. */
  private static void append(ArrayNode messages, String role, ArrayNode blocks) {
    JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
    if (last != null && last.path("role").asText().equals(role)) {
      ((ArrayNode) last.get("content")).addAll(blocks);
      return;
    }
    ObjectNode m = messages.addObject();
    m.put("role", role);
    m.set("content", blocks);
  }

  private static ArrayNode blocks(ChatMessage m, int index, boolean prefill) {
    ArrayNode out = SaasJson.MAPPER.createArrayNode();
    if (m.role().equals("tool")) {
      ObjectNode result = out.addObject().put("type", "tool_result");
      result.put("tool_use_id", m.toolCallId() == null ? "" : m.toolCallId());
      result.put("content", m.text());
      return out;
    }
    if (m.thinkingBlocks() != null && m.role().equals("assistant")) {
      m.thinkingBlocks().forEach(out::add); // signed by Anthropic: any change and it refuses the turn
    }
    String where = "messages[" + index + "].content";
    if (m.content().isTextual()) {
      String text = prefill ? m.text().stripTrailing() : m.text(); // Anthropic refuses a prefill ending in whitespace
      if (!text.isEmpty()) {
        out.addObject().put("type", "text").put("text", text);
      }
    } else {
      for (JsonNode part : m.content()) {
        String type = part.path("type").asText();
        if (type.equals("text")) {
          out.addObject().put("type", "text").put("text", part.path("text").asText());
        } else if (type.equals("image_url")) {
          out.add(image(ChatTranslation.imageUrl(part), where));
        }
      }
    }
    if (m.toolCalls() != null) {
      for (JsonNode call : m.toolCalls()) {
        ObjectNode use = out.addObject().put("type", "tool_use");
        use.put("id", call.path("id").asText());
        use.put("name", call.path("function").path("name").asText());
        use.set("input", ChatTranslation.arguments(call));
      }
    }
    return out;
  }

  private static ObjectNode image(String url, String where) {
    ObjectNode block = SaasJson.MAPPER.createObjectNode().put("type", "image");
    ChatTranslation.DataUrl data = ChatTranslation.dataUrl(url, where);
    ObjectNode source = block.putObject("source");
    if (data == null) {
      source.put("type", "url").put("url", url);
    } else {
      source.put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64());
    }
    return block;
  }

  /** OpenAI {@code tools}/{@code tool_choice} as Anthropic's {@code tools} ({@code input_schema}) and {@code tool_choice}. */
  private static void tools(ObjectNode body, JsonNode tools, JsonNode toolChoice) {
    List<ChatTranslation.Function> functions = ChatTranslation.functions(tools);
    if (functions.isEmpty() || toolChoice != null && "none".equals(toolChoice.asText())) {
      return; // Anthropic has no "none": offering no tools says the same
    }
    ArrayNode out = body.putArray("tools");
    for (ChatTranslation.Function f : functions) {
      ObjectNode t = out.addObject().put("name", f.name());
      if (f.description() != null) {
        t.put("description", f.description());
      }
      t.set("input_schema", f.parameters());
    }
    String forced = ChatTranslation.forcedFunction(toolChoice);
    if (forced != null) {
      body.putObject("tool_choice").put("type", "tool").put("name", forced);
    } else if (toolChoice != null && "required".equals(toolChoice.asText())) {
      body.putObject("tool_choice").put("type", "any");
    }
  }

  // ---- answers ----

  @Override
  public ChatResult readChat(String requestId, byte[] body) {
    JsonNode root = ChatTranslation.parse(OpenAiResponses.text(body));
    if (!root.path("content").isArray()) {
      throw new MalformedAnswer("a message without content", OpenAiResponses.text(body));
    }
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = new StringBuilder();
    ArrayNode calls = SaasJson.MAPPER.createArrayNode();
    ArrayNode thinkingBlocks = SaasJson.MAPPER.createArrayNode();
    for (JsonNode block : root.get("content")) {
      switch (block.path("type").asText()) {
        case "text" -> text.append(block.path("text").asText());
        case "thinking" -> {
          thinking.append(block.path("thinking").asText());
          thinkingBlocks.add(block);
        }
        case "redacted_thinking" -> thinkingBlocks.add(block);
        case "tool_use" -> calls.add(ChatTranslation.toolCall(null, block.path("id").asText(),
            block.path("name").asText(), ChatTranslation.text(block.path("input"))));
        default -> { } // blocks we do not know carry nothing for the caller
      }
    }
    JsonNode usage = root.path("usage");
    return new ChatResult(requestId, text.toString(), thinking.length() == 0 ? null : thinking.toString(),
        finishReason(root.path("stop_reason").asText(null)),
        new Usage(usage.path("input_tokens").asInt(0), usage.path("output_tokens").asInt(0)),
        OpenAiResponses.textOrNull(root.path("model")), calls.isEmpty() ? null : calls, 0,
        thinkingBlocks.isEmpty() ? null : thinkingBlocks);
  }

  /** Anthropic's {@code stop_reason} as OpenAI's {@code finish_reason}. */
  static String finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    return switch (stopReason) {
      case "max_tokens" -> "length";
      case "tool_use" -> "tool_calls";
      case "refusal" -> "content_filter";
      default -> "stop"; // end_turn, stop_sequence, pause_turn
    };
  }

  @Override
  public ChunkReader chunkReader() {
    return new ClaudeChunks();
  }

  /**
   * Anthropic's stream: {@code message_start} (model, prompt tokens), {@code content_block_start}
   * / {@code content_block_delta} / {@code content_block_stop} per block, {@code message_delta}
   * (stop reason, output tokens), {@code message_stop}; {@code ping}s; {@code error}.
   */
  private static final class ClaudeChunks implements ChunkReader {
    private int inputTokens;
    private String model;
    private int toolCalls;
    private final List<Integer> toolIndexOfBlock = new ArrayList<>();

    @Override
    public Chunk read(String event, String data) {
      JsonNode e = ChatTranslation.parse(data);
      String type = e.path("type").asText(event == null ? "" : event);
      switch (type) {
        case "message_start" -> {
          JsonNode message = e.path("message");
          model = OpenAiResponses.textOrNull(message.path("model"));
          inputTokens = message.path("usage").path("input_tokens").asInt(0);
          return new Chunk.Delta(new ChatDelta(null, null, null, null, null), model);
        }
        case "content_block_start" -> {
          return blockStart(e.path("index").asInt(), e.path("content_block"));
        }
        case "content_block_delta" -> {
          return blockDelta(e.path("index").asInt(), e.path("delta"));
        }
        case "message_delta" -> {
          String finish = finishReason(e.path("delta").path("stop_reason").asText(null));
          Usage usage = new Usage(inputTokens, e.path("usage").path("output_tokens").asInt(0));
          return new Chunk.Delta(new ChatDelta(null, null, finish, usage, null), model);
        }
        case "message_stop" -> {
          return Chunk.DONE;
        }
        case "error" -> {
          return new Chunk.Failed(ClaudeWire.message(e));
        }
        default -> {
          return Chunk.NOTHING; // ping, content_block_stop, events added later
        }
      }
    }

    private Chunk blockStart(int block, JsonNode content) {
      while (toolIndexOfBlock.size() <= block) {
        toolIndexOfBlock.add(null);
      }
      if (content.path("type").asText().equals("tool_use")) {
        int index = toolCalls++;
        toolIndexOfBlock.set(block, index);
        return tools(ChatTranslation.toolCall(index, content.path("id").asText(), content.path("name").asText(), ""));
      }
      if (content.path("type").asText().equals("text") && !content.path("text").asText("").isEmpty()) {
        return new Chunk.Delta(ChatDelta.text(content.get("text").asText()), model);
      }
      if (content.path("type").asText().equals("redacted_thinking")) {
        return thinking(null, content); // it comes whole: no deltas follow
      }
      return Chunk.NOTHING;
    }

    private Chunk blockDelta(int block, JsonNode delta) {
      return switch (delta.path("type").asText()) {
        case "text_delta" -> new Chunk.Delta(ChatDelta.text(delta.path("text").asText()), model);
        case "thinking_delta" -> thinking(delta.path("thinking").asText(), SaasJson.MAPPER.createObjectNode()
            .put("type", "thinking").put("thinking", delta.path("thinking").asText()));
        case "signature_delta" -> thinking(null, SaasJson.MAPPER.createObjectNode()
            .put("type", "thinking").put("thinking", "").put("signature", delta.path("signature").asText()));
        case "input_json_delta" -> {
          Integer index = block < toolIndexOfBlock.size() ? toolIndexOfBlock.get(block) : null;
          yield index == null ? Chunk.NOTHING
              : tools(ChatTranslation.toolCall(index, null, null, delta.path("partial_json").asText()));
        }
        default -> Chunk.NOTHING; // citations
      };
    }

    /** A thinking fragment as LiteLLM streams it: the text piece (or none) and the block fragment. */
    private Chunk thinking(String reasoning, JsonNode fragment) {
      return new Chunk.Delta(new ChatDelta(null, reasoning, null, null, null, ChatTranslation.array(fragment)), model);
    }

    private Chunk tools(ObjectNode fragment) {
      return new Chunk.Delta(new ChatDelta(null, null, null, null, ChatTranslation.array(fragment)), model);
    }
  }

  // ---- errors ----

  /** {@code {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}} as "overloaded_error: Overloaded". */
  @Override
  public String errorMessage(byte[] body) {
    try {
      JsonNode root = SaasJson.MAPPER.readTree(body);
      if (root != null && root.path("error").path("message").isTextual()) {
        return message(root);
      }
    } catch (java.io.IOException e) {
      // not JSON: the generic excerpt below
    }
    return WireFormat.super.errorMessage(body);
  }

  private static String message(JsonNode root) {
    JsonNode error = root.path("error");
    String type = error.path("type").asText("");
    return (type.isEmpty() ? "" : type + ": ") + error.path("message").asText();
  }

  /** Anthropic's 529 {@code overloaded_error}: the service is overloaded, not the caller's rate: 503. */
  @Override
  public ErrorKind errorKind(int status, byte[] body) {
    return status == 529 ? ErrorKind.UNAVAILABLE : null;
  }
}
