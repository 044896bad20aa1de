package io.byzerllm.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.client.ClusterInfo;
import io.byzerllm.client.DeploymentInfo;
import io.byzerllm.client.LlmClientException;
import io.byzerllm.client.ModelInfo;
import io.byzerllm.client.TranscribeOptions;
import io.byzerllm.deploy.ModelSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link io.byzerllm.client.ByzerLLM}'s calls go: a node over HTTP ({@code HttpGateway}), or
 * backends in this JVM ({@code InProcessGateway} of {@code byzerllm-lite}). Not API: the client's users
 * program against {@code ByzerLLM}; this seam lets one client API reach models both ways.
 *
 * <p>Bodies are the OpenAI-shaped request bodies the client would send a node, as maps; answers are
 * the bodies a node answers with, so both gateways are read by the same client code. Every failure is
 * an {@link LlmClientException} with the status and kind a node would answer with. Blocking methods
 * wait at most {@link #timeout()}. Implementations are thread-safe; {@code with*} returns a copy that
 * shares what the original holds.
 */
public interface Gateway extends AutoCloseable {

  /** Where the calls go, for messages and {@code toString}: a node's {@code http://host:port}, or {@code in-process}. */
  String address();

  Duration timeout();

  Gateway withTimeout(Duration timeout);

  /** A copy that presents {@code key} to a node (null or blank: none); an in-process gateway has no node to present it to. */
  Gateway withApiKey(String key);

  boolean hasApiKey();

  /** A {@code chat.completion} body. */
  JsonNode chat(Map<String, Object> body);

  /** {@link #chat} without blocking the caller; failures complete the future with an {@link LlmClientException}. */
  CompletableFuture<JsonNode> chatAsync(Map<String, Object> body);

  /** Opens a streamed chat; an error before the first event is thrown here. The caller closes the events. */
  ChatEvents streamChat(Map<String, Object> body);

  /** An embeddings {@code list} body. */
  JsonNode embeddings(Map<String, Object> body);

  /** The audio bytes. */
  byte[] speech(Map<String, Object> body);

  /** The transcription body as the provider returned it (JSON, or text for text/srt/vtt). */
  String transcribe(String model, String fileName, byte[] audio, TranscribeOptions options);

  /** An images body ({@code data[].b64_json}). */
  JsonNode generateImage(Map<String, Object> body);

  DeploymentInfo deploy(ModelSpec spec, boolean replace);

  boolean undeploy(String model);

  /** One deployment; an unknown name throws (404, {@code MODEL_NOT_FOUND}). */
  DeploymentInfo deployment(String model);

  List<DeploymentInfo> deployments();

  List<ModelInfo> models();

  ClusterInfo cluster();

  boolean health();

  void shutdownNode();

  /** Releases what the gateway holds (in-process: every deployed backend); calls after it fail. */
  @Override
  void close();
}
