package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import java.net.http.HttpRequest;
import java.time.Clock;

/**
 * Zhipu's open platform ({@code saas/zhipu}, {@code open.bigmodel.cn/api/paas/v4}): OpenAI-shaped
 * chat, SSE and embeddings bodies, authorized by a short-lived JWT made from the {@code id.secret}
 * key ({@link ZhipuToken}). Fields Zhipu does not document ({@code stream_options},
 * {@code encoding_format}) are left out; its stream carries the usage on the last chunk anyway.
 * Errors are {@code {"error":{"code":"1113","message":...}}}; the code leads the message.
 */
final class ZhipuWire implements WireFormat {
  static final String DEFAULT_BASE_URL = "https://open.bigmodel.cn/api/paas/v4";
  static final String DEFAULT_MODEL = "glm-4";
  static final String DEFAULT_EMBEDDING_MODEL = "embedding-3";
  // 1113: the account is in arrears, answered as 429 but no retry or wait helps.
  private static final String ARREARS = "1113";

  private final UpstreamSettings upstream;
  private final OpenAiRequests requests;
  private final OpenAiWire openAi;
  private final ZhipuToken token;

  ZhipuWire(ModelSpec spec, Clock clock) {
    upstream = UpstreamSettings.from(spec, DEFAULT_BASE_URL, DEFAULT_MODEL);
    String model = upstream.model();
    // byzerllm's zhipu embeds with saas.model when it names an embedding model
    String embeddingModel = model.contains("embedding") ? model : DEFAULT_EMBEDDING_MODEL;
    OpenAiSettings settings = new OpenAiSettings(upstream, embeddingModel, model, model, model, false);
    requests = new OpenAiRequests(settings);
    openAi = new OpenAiWire(settings);
    token = upstream.apiKey() == null ? null : new ZhipuToken(upstream.apiKey(), clock);
  }

  @Override
  public String engine() {
    return "zhipu";
  }

  @Override
  public UpstreamSettings settings() {
    return upstream;
  }

  @Override
  public void authorize(HttpRequest.Builder request, String apiKey) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token.current());
    }
  }

  @Override
  public WireRequest chat(ChatCall call, boolean stream) {
    ObjectNode body = requests.chat(call, stream);
    body.remove("stream_options");
    return WireRequest.json("/chat/completions", body, stream);
  }

  @Override
  public ChatResult readChat(String requestId, byte[] body) {
    return openAi.readChat(requestId, body);
  }

  @Override
  public ChunkReader chunkReader() {
    return openAi.chunkReader();
  }

  @Override
  public WireRequest embeddings(EmbeddingCall call) {
    ObjectNode body = requests.embeddings(call);
    body.remove("encoding_format");
    return WireRequest.json("/embeddings", body, false);
  }

  @Override
  public EmbeddingResult readEmbeddings(byte[] body) {
    return openAi.readEmbeddings(body);
  }

  @Override
  public String errorMessage(byte[] body) {
    return ProviderErrors.withCode(body, "/error/code", "/error/message");
  }

  @Override
  public ErrorKind errorKind(int status, byte[] body) {
    return ARREARS.equals(ProviderErrors.code(body, "/error/code")) ? ErrorKind.PERMISSION : null;
  }
}
