package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Set;

/**
 * Alibaba Cloud Model Studio's DashScope native API ({@code saas/qianwen}, {@code saas/qianwen_vl}):
 * {@code POST /services/aigc/text-generation/generation} (or {@code multimodal-generation} for the
 * vision models, whose message content is a list of {@code {"text"}}/{@code {"image"}} items) with
 * {@code {model, input:{messages}, parameters}}, answers in {@code result_format=message}; streams
 * ask for SSE with {@code X-DashScope-SSE: enable} and {@code incremental_output}, so each event
 * holds only the new text. Embeddings go to {@code text-embedding} in batches the model takes.
 * Bearer auth; errors are {@code {code, message, request_id}}.
 */
final class DashScopeWire implements WireFormat {
  static final String DEFAULT_BASE_URL = "https://dashscope.aliyuncs.com/api/v1";
  static final String DEFAULT_TEXT_MODEL = "qwen-turbo";
  static final String DEFAULT_VISION_MODEL = "qwen-vl-plus";
  static final String DEFAULT_EMBEDDING_MODEL = "text-embedding-v2";
  static final String TEXT_PATH = "/services/aigc/text-generation/generation";
  static final String VISION_PATH = "/services/aigc/multimodal-generation/generation";
  static final String EMBEDDING_PATH = "/services/embeddings/text-embedding/text-embedding";
  // Texts per request the embedding models take: 25 for v1/v2, 10 for v3 and later.
  private static final int EMBEDDING_BATCH_V2 = 25;
  private static final int EMBEDDING_BATCH_V3 = 10;
  // Parameters we set ourselves; a caller's gen.* cannot replace them (incremental_output decides how deltas read).
  private static final Set<String> OWNED = Set.of("result_format", "incremental_output", "max_tokens", "temperature",
      "top_p", "stop");
  // Arrearage: the account is overdue; DashScope answers 400, but the request itself is fine.
  private static final String ARREARAGE = "Arrearage";

  private final UpstreamSettings upstream;
  private final boolean vision;
  private final String embeddingModel;

  DashScopeWire(ModelSpec spec, boolean vision) {
    this.vision = vision;
    this.upstream = UpstreamSettings.from(spec, DEFAULT_BASE_URL, vision ? DEFAULT_VISION_MODEL : DEFAULT_TEXT_MODEL);
    String model = upstream.model();
    // byzerllm's qianwen embeds with saas.model when it names an embedding model (text-embedding-v1/v2)
    this.embeddingModel = model.contains("embedding") ? model : DEFAULT_EMBEDDING_MODEL;
  }

  @Override
  public String engine() {
    return "dashscope";
  }

  @Override
  public UpstreamSettings settings() {
    return upstream;
  }

  @Override
  public void authorize(HttpRequest.Builder request, String apiKey) {
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
  }

  @Override
  public WireRequest chat(ChatCall call, boolean stream) {
    ChatOptions o = call.options();
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    body.put("model", o.model() == null || o.model().isBlank() ? upstream.model() : o.model());
    ArrayNode messages = body.putObject("input").putArray("messages");
    call.messages().forEach(m -> messages.add(message(m)));
    ObjectNode parameters = body.putObject("parameters");
    parameters.put("result_format", "message");
    if (o.maxTokens() != null) {
      parameters.put("max_tokens", o.maxTokens());
    }
    if (o.temperature() != null) {
      parameters.put("temperature", o.temperature());
    }
    if (o.topP() != null) {
      parameters.put("top_p", o.topP());
    }
    if (!o.stop().isEmpty()) {
      ArrayNode stop = parameters.putArray("stop");
      o.stop().forEach(stop::add);
    }
    o.extra().forEach((k, v) -> {
      if (!OWNED.contains(k)) {
        parameters.set(k, DashScopeAnswers.typed(k, v));
      }
    });
    if (stream) {
      parameters.put("incremental_output", true);
    }
    WireRequest request = WireRequest.json(vision ? VISION_PATH : TEXT_PATH, body, stream);
    return stream ? request.withHeader("X-DashScope-SSE", "enable") : request;
  }

  /**
   * A message in DashScope's shape: a string for text models, a list of {text}/{image} items for vision ones; an
   * assistant's tool calls and a tool message's answer keep OpenAI's fields.
   */
  private ObjectNode message(ChatMessage m) {
    ObjectNode out = SaasJson.MAPPER.createObjectNode();
    out.put("role", m.prefix() ? "assistant" : m.role());
    if (vision) {
      out.set("content", DashScopeAnswers.visionContent(m.content()));
    } else {
      out.put("content", m.text());
    }
    if (m.prefix()) {
      out.put("partial", true); // Qwen's partial mode: the model continues this assistant text
    }
    // Function calling's history: DashScope takes OpenAI's tool_calls and tool_call_id as they are.
    if (m.toolCalls() != null) {
      out.set("tool_calls", m.toolCalls());
    }
    if (m.toolCallId() != null) {
      out.put("tool_call_id", m.toolCallId());
    }
    if (m.name() != null && "tool".equals(m.role())) {
      out.put("name", m.name());
    }
    return out;
  }

  @Override
  public ChatResult readChat(String requestId, byte[] body) {
    return DashScopeAnswers.chat(requestId, body);
  }

  @Override
  public ChunkReader chunkReader() {
    return DashScopeAnswers::chunk;
  }

  @Override
  public WireRequest embeddings(EmbeddingCall call) {
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    body.put("model", embeddingModel(call));
    ArrayNode texts = body.putObject("input").putArray("texts");
    call.inputs().forEach(texts::add);
    ObjectNode parameters = body.putObject("parameters");
    parameters.put("text_type", call.query() ? "query" : "document");
    if (call.dimensions() != null) {
      parameters.put("dimension", call.dimensions());
    }
    return WireRequest.json(EMBEDDING_PATH, body, false);
  }

  private String embeddingModel(EmbeddingCall call) {
    return call.model() == null || call.model().isBlank() ? embeddingModel : call.model();
  }

  @Override
  public int embeddingBatchLimit(EmbeddingCall call) {
    String model = embeddingModel(call);
    return model.endsWith("-v1") || model.endsWith("-v2") ? EMBEDDING_BATCH_V2 : EMBEDDING_BATCH_V3;
  }

  @Override
  public EmbeddingResult readEmbeddings(byte[] body) {
    return DashScopeAnswers.embeddings(body);
  }

  @Override
  public String errorMessage(byte[] body) {
    return DashScopeAnswers.errorMessage(body);
  }

  @Override
  public ErrorKind errorKind(int status, byte[] body) {
    return ARREARAGE.equals(ProviderErrors.code(body, "/code")) ? ErrorKind.PERMISSION : null;
  }

  @Override
  public void describe(Map<String, Object> out) {
    out.put("api", vision ? "multimodal-generation" : "text-generation");
    out.put("embedding_model", embeddingModel);
  }
}
