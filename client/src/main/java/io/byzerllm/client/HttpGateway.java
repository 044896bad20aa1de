package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.client.internal.ChatEvents;
import io.byzerllm.client.internal.Gateway;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.ModelSpec;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The gateway to a node's HTTP API: every call is one request to the node at {@link #address()}. */
final class HttpGateway implements Gateway {
  private final Transport transport;

  HttpGateway(Transport transport) {
    this.transport = transport;
  }

  /** The connection itself, for what only a node offers (storage). */
  Transport transport() {
    return transport;
  }

  @Override
  public String address() {
    return transport.baseUrl();
  }

  @Override
  public Duration timeout() {
    return transport.timeout();
  }

  @Override
  public Gateway withTimeout(Duration timeout) {
    return new HttpGateway(transport.withTimeout(timeout));
  }

  @Override
  public Gateway withApiKey(String key) {
    return new HttpGateway(transport.withApiKey(key));
  }

  @Override
  public boolean hasApiKey() {
    return transport.hasApiKey();
  }

  @Override
  public JsonNode chat(Map<String, Object> body) {
    return Json.tree(transport.call(transport.postJson("/v1/chat/completions", body)));
  }

  @Override
  public CompletableFuture<JsonNode> chatAsync(Map<String, Object> body) {
    return transport.callAsync(transport.postJson("/v1/chat/completions", body)).thenApply(Json::tree);
  }

  @Override
  public ChatEvents streamChat(Map<String, Object> body) {
    HttpRequest request = transport.request("/v1/chat/completions").header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
    return new SseChatEvents(new ServerSentEvents(transport.open(request)));
  }

  @Override
  public JsonNode embeddings(Map<String, Object> body) {
    return Json.tree(transport.call(transport.postJson("/v1/embeddings", body)));
  }

  @Override
  public byte[] speech(Map<String, Object> body) {
    return transport.callBytes(transport.postJson("/v1/audio/speech", body));
  }

  @Override
  public String transcribe(String model, String fileName, byte[] audio, TranscribeOptions options) {
    MultipartBody form = new MultipartBody()
        .file("file", fileName, audioType(fileName), audio)
        .field("model", model)
        .field("language", options.language())
        .field("prompt", options.prompt())
        .field("response_format", options.responseFormat())
        .field("temperature", options.temperature());
    HttpRequest request = transport.request("/v1/audio/transcriptions").header("Content-Type", form.contentType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(form.toBytes())).build();
    return transport.call(request);
  }

  @Override
  public JsonNode generateImage(Map<String, Object> body) {
    return Json.tree(transport.call(transport.postJson("/v1/images/generations", body)));
  }

  @Override
  public DeploymentInfo deploy(ModelSpec spec, boolean replace) {
    return management().deploy(spec, replace);
  }

  @Override
  public boolean undeploy(String model) {
    return management().undeploy(model);
  }

  @Override
  public DeploymentInfo deployment(String model) {
    return management().deployment(model);
  }

  @Override
  public List<DeploymentInfo> deployments() {
    return management().deployments();
  }

  @Override
  public List<ModelInfo> models() {
    return management().models();
  }

  @Override
  public ClusterInfo cluster() {
    return management().cluster();
  }

  @Override
  public boolean health() {
    return management().health();
  }

  @Override
  public void shutdownNode() {
    management().shutdownNode();
  }

  /** Nothing to release: the connection pool is shared by every copy and goes away with them. */
  @Override
  public void close() {}

  private ClusterCalls management() {
    return new ClusterCalls(transport);
  }

  private static String audioType(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    return switch (ext) {
      case "mp3", "mpga", "mpeg" -> "audio/mpeg";
      case "wav" -> "audio/wav";
      case "m4a", "mp4" -> "audio/mp4";
      case "ogg", "opus" -> "audio/ogg";
      case "flac" -> "audio/flac";
      case "webm" -> "audio/webm";
      default -> "application/octet-stream";
    };
  }

  /** A node's SSE body as chat events: {@code [DONE]} ends it; the body ending without one is a break. */
  private final class SseChatEvents implements ChatEvents {
    private final ServerSentEvents events;

    SseChatEvents(ServerSentEvents events) {
      this.events = events;
    }

    @Override
    public JsonNode next() {
      String data;
      try {
        data = events.next();
      } catch (IOException e) {
        throw transport.noAnswer(e);
      }
      if (data == null) {
        throw new LlmClientException(ErrorKind.UNAVAILABLE, 0, "the stream from " + transport.baseUrl()
            + " ended before it was complete (no [DONE]); the node may have stopped", null, null, null);
      }
      return "[DONE]".equals(data.strip()) ? null : Json.tree(data);
    }

    @Override
    public void close() {
      try {
        events.close();
      } catch (IOException e) {
        throw transport.noAnswer(e);
      }
    }
  }
}
