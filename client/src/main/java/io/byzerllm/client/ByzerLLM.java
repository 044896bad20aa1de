package io.byzerllm.client;

import io.byzerllm.client.internal.Gateway;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.SpecFields;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client of ByzerLLM models, named after byzerllm's {@code ByzerLLM}: chat, streaming chat,
 * embeddings, speech, transcription, images, and deployment management. One API, two ways to reach
 * the models: a node's HTTP API ({@link #connect}), or backends inside this JVM with no cluster at all
 * ({@code SimpleByzerLLM} and {@code getSingleLlm(name, LITE)} of {@code io.byzerllm:byzerllm-lite}).
 * Moving a program from one to the other changes the line that makes the client.
 *
 * <p><b>Immutable and shared</b>, like OkHttp's client: every {@code with*} returns a configured
 * <em>copy</em> that shares one connection pool (or one set of in-process models); the object you
 * call it on does not change. Keep the copy: {@code llm = llm.withDefaultModel("deepseek_chat")}.
 * byzerllm's {@code setup_default_model_name} and friends have no Java alias on purpose: a call that
 * reads as a setter but returns a copy would compile and do nothing (see docs/client.md).
 * Instances are thread-safe.
 *
 * <pre>{@code
 * var llm = ByzerLLM.connect("http://127.0.0.1:8000").withDefaultModel("deepseek_chat");
 * String answer = llm.chatOai(List.of(Message.user("你好"))).get(0).output();
 * }</pre>
 *
 * <p>Every call throws {@link LlmClientException} (unchecked) when the models answer with an error
 * (its message and status kept, the same over HTTP and in-process) or the node does not answer at all
 * ({@link LlmClientException#noAnswer()}), and {@link IllegalArgumentException} for arguments that
 * cannot make a request. The API key never appears in a message or in {@link #toString()}.
 */
public final class ByzerLLM implements AutoCloseable {
  /** How long a call may take unless {@link #withTimeout} says otherwise; a deploy waits for its workers. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final Gateway gateway;
  private final String defaultModel;
  private final String defaultEmbModel;
  private final Integer maxOutputLength;

  private ByzerLLM(Gateway gateway, String defaultModel, String defaultEmbModel, Integer maxOutputLength) {
    this.gateway = gateway;
    this.defaultModel = defaultModel;
    this.defaultEmbModel = defaultEmbModel;
    this.maxOutputLength = maxOutputLength;
  }

  /**
   * A client of the node at {@code url} ({@code http://127.0.0.1:8000}; a trailing {@code /v1} is
   * accepted). The API key is taken from the environment variable {@code LLM_API_KEY} when set.
   * Nothing is sent until the first call.
   */
  public static ByzerLLM connect(String url) {
    Transport transport = new Transport(Transport.newHttpClient(), Transport.normalize(url),
        System.getenv("LLM_API_KEY"), DEFAULT_TIMEOUT);
    return new ByzerLLM(new HttpGateway(transport), null, null, null);
  }

  /**
   * A client whose calls go through {@code gateway}. For the modules that provide gateways (the lite
   * client's in-process one); programs use {@link #connect} or the lite module's entry points.
   */
  public static ByzerLLM over(Gateway gateway) {
    if (gateway == null) {
      throw new IllegalArgumentException("gateway is null");
    }
    return new ByzerLLM(gateway, null, null, null);
  }

  /** A copy that sends {@code Authorization: Bearer key} (null or blank: no key); in-process there is no node to send it to. */
  public ByzerLLM withApiKey(String key) {
    return new ByzerLLM(gateway.withApiKey(key), defaultModel, defaultEmbModel, maxOutputLength);
  }

  /** A copy whose chat calls go to {@code model} when no model is named. */
  public ByzerLLM withDefaultModel(String model) {
    return new ByzerLLM(gateway, blankToNull(model), defaultEmbModel, maxOutputLength);
  }

  /** A copy whose {@link #embQuery(String)} goes to {@code model}. */
  public ByzerLLM withDefaultEmbModel(String model) {
    return new ByzerLLM(gateway, defaultModel, blankToNull(model), maxOutputLength);
  }

  /** A copy whose calls each wait at most {@code timeout} for the answer (a stream: for its start). */
  public ByzerLLM withTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive (got " + timeout + ")");
    }
    return new ByzerLLM(gateway.withTimeout(timeout), defaultModel, defaultEmbModel, maxOutputLength);
  }

  /**
   * A copy that sends {@code max_tokens = tokens} on every chat unless the call's {@code llm_config}
   * has {@code max_length} (byzerllm's {@code setup_max_output_length}). Not set: nothing is sent and
   * the provider decides.
   */
  public ByzerLLM withMaxOutputLength(int tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("max output length must be >= 1 (got " + tokens + ")");
    }
    return new ByzerLLM(gateway, defaultModel, defaultEmbModel, tokens);
  }

  /** The default chat model, or {@code null} when none is set. */
  public String defaultModel() {
    return defaultModel;
  }

  /** The default embedding model, or {@code null} when none is set. */
  public String defaultEmbModel() {
    return defaultEmbModel;
  }

  /** The node connection this client sends through (shared by {@link ByzerStorage#connect(ByzerLLM, String, String, String)} and the key calls). */
  Transport transport() {
    if (gateway instanceof HttpGateway http) {
      return http.transport();
    }
    throw new IllegalStateException("storage and API keys live on a node, and this client's models run in-process ("
        + gateway.address() + "); connect to a node with ByzerLLM.connect(\"http://127.0.0.1:8000\") for them");
  }

  /** Where the calls go: the node's address {@code http://host:port}, or {@code in-process}. */
  public String url() {
    return gateway.address();
  }

  // ---- chat -------------------------------------------------------------------------------------

  /** {@link #chatOai(String, List, Map)} with the default model and no llm_config. */
  public List<LLMResponse> chatOai(List<?> conversations) {
    return chatOai(null, conversations, Map.of());
  }

  /** {@link #chatOai(String, List, Map)} with the default model (or llm_config's {@code model}). */
  public List<LLMResponse> chatOai(List<?> conversations, Map<String, Object> llmConfig) {
    return chatOai(null, conversations, llmConfig);
  }

  /**
   * One chat completion, byzerllm's {@code chat_oai}. {@code conversations} holds {@link Message}s or
   * maps with {@code role} and {@code content} (a {@code metadata} key is dropped, as byzerllm does).
   * {@code llmConfig} keys as byzerllm's: {@code max_length} (sent as {@code max_tokens}),
   * {@code temperature}, {@code top_p}, {@code gen.stop}, {@code gen.response_prefix}, {@code model};
   * other keys go as top-level request fields (e.g. {@code tools}, {@code response_format}).
   *
   * @param model the deployed model; null: llm_config's {@code model}, else the default model
   * @return a list of one {@link LLMResponse} (a list, as byzerllm returns)
   */
  public List<LLMResponse> chatOai(String model, List<?> conversations, Map<String, Object> llmConfig) {
    return chat().chat(chatBody(model, conversations, llmConfig, false));
  }

  /** {@link #chatOai(List, Map)} without blocking the caller; failures complete the future exceptionally. */
  public CompletableFuture<List<LLMResponse>> chatOaiAsync(List<?> conversations, Map<String, Object> llmConfig) {
    return chatOaiAsync(null, conversations, llmConfig);
  }

  /** {@link #chatOai(String, List, Map)} without blocking the caller. */
  public CompletableFuture<List<LLMResponse>> chatOaiAsync(String model, List<?> conversations,
      Map<String, Object> llmConfig) {
    return chat().chatAsync(chatBody(model, conversations, llmConfig, false));
  }

  /** {@link #streamChatOai(String, List, boolean, Map)} with the default model. The caller must close the stream. */
  public ChatStream streamChatOai(List<?> conversations, boolean deltaMode) {
    return streamChatOai(null, conversations, deltaMode, Map.of());
  }

  /** {@link #streamChatOai(String, List, boolean, Map)} with the default model. The caller must close the stream. */
  public ChatStream streamChatOai(List<?> conversations, boolean deltaMode, Map<String, Object> llmConfig) {
    return streamChatOai(null, conversations, deltaMode, llmConfig);
  }

  /**
   * A streamed chat, byzerllm's {@code stream_chat_oai}: chunks of text as the model writes them,
   * only the new text when {@code deltaMode}, everything so far otherwise. <b>The caller must close
   * the returned stream</b> (try-with-resources) unless it reads it to the end. An error before the
   * stream starts is thrown here; one after it started is thrown by the stream's iterator.
   */
  public ChatStream streamChatOai(String model, List<?> conversations, boolean deltaMode,
      Map<String, Object> llmConfig) {
    return chat().stream(chatBody(model, conversations, llmConfig, true), deltaMode);
  }

  // ---- embeddings -------------------------------------------------------------------------------

  /** One vector per text, in order (the node's default input type: document). */
  public List<float[]> emb(String model, List<String> texts) {
    return new EmbeddingCalls(gateway).embed(requireModel(model), texts, null);
  }

  /** Vectors for texts to be searched ({@code input_type: document}), in order. */
  public List<float[]> embDocuments(String model, List<String> texts) {
    return new EmbeddingCalls(gateway).embed(requireModel(model), texts, "document");
  }

  /** The vector of a search query ({@code input_type: query}: a BGE model adds its retrieval instruction). */
  public float[] embQuery(String model, String text) {
    return new EmbeddingCalls(gateway).embed(requireModel(model), List.of(text), "query").get(0);
  }

  /** byzerllm's {@code emb_query} with the default embedding model. */
  public float[] embQuery(String text) {
    if (defaultEmbModel == null) {
      throw new IllegalArgumentException("no default embedding model; set one with "
          + "llm = llm.withDefaultEmbModel(\"emb\") (byzerllm's setup_default_emb_model_name) or call embQuery(model, text)");
    }
    return embQuery(defaultEmbModel, text);
  }

  // ---- speech, transcription, images ------------------------------------------------------------

  /** Text to speech: the audio bytes in {@code options.responseFormat()}. */
  public byte[] speech(String model, String input, SpeechOptions options) {
    return new MediaCalls(gateway).speech(requireModel(model), input, options == null ? SpeechOptions.DEFAULTS : options);
  }

  /** Speech to text: uploads {@code audioFile} (multipart) and returns what was heard. */
  public Transcription transcribe(String model, Path audioFile, TranscribeOptions options) {
    return new MediaCalls(gateway).transcribe(requireModel(model), audioFile,
        options == null ? TranscribeOptions.DEFAULTS : options);
  }

  /** Image generation: the images' bytes (PNG as most providers send), as many as {@code options.n()}. */
  public List<byte[]> generateImage(String model, String prompt, ImageOptions options) {
    return new MediaCalls(gateway).generateImage(requireModel(model), prompt,
        options == null ? ImageOptions.DEFAULTS : options);
  }

  // ---- management -------------------------------------------------------------------------------

  /**
   * byzerllm's {@code deploy(model_path, pretrained_model_type, udf_name, infer_params)}: deploys
   * {@code udfName} with one worker and returns once it is ready; a taken name is a 409 CONFLICT.
   * {@code inferParams} values may be strings, numbers or booleans (byzerllm's {@code saas.*} keys).
   */
  public DeploymentInfo deploy(String modelPath, String pretrainedModelType, String udfName, Map<String, ?> inferParams) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("model", udfName);
    fields.put("pretrained_model_type", pretrainedModelType);
    fields.put("model_path", modelPath == null ? "" : modelPath);
    fields.put("infer_params", inferParams == null ? Map.of() : inferParams);
    return deploy(SpecFields.toSpec(fields));
  }

  /** Deploys {@code spec} and returns once every worker is ready; a taken name is a 409 CONFLICT. */
  public DeploymentInfo deploy(ModelSpec spec) {
    return deploy(spec, false);
  }

  /** Deploys {@code spec}; with {@code replace}, an existing deployment of that name is swapped without dropping requests. */
  public DeploymentInfo deploy(ModelSpec spec, boolean replace) {
    return gateway.deploy(spec, replace);
  }

  /** Removes a deployment; true if there was one, false if there was nothing to remove (idempotent). */
  public boolean undeploy(String model) {
    return gateway.undeploy(model);
  }

  /** byzerllm's {@code is_model_exist}: whether a model of this name is deployed. */
  public boolean isModelExist(String model) {
    try {
      gateway.deployment(model);
      return true;
    } catch (LlmClientException e) {
      if (e.status() == 404 || e.kind() == ErrorKind.MODEL_NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * byzerllm's {@code get_meta(model)}: what the model is, as a map with byzerllm's keys:
   * {@code model_deploy_type} ({@code saas} or {@code proprietary}), {@code backend} (the engine),
   * {@code model_name} (the upstream model), {@code support_stream}, {@code support_assistant_prefix},
   * {@code embedding_mode} (embeddings only), {@code message_format} (always true: every model takes
   * OpenAI messages), and {@code capabilities}. An unknown name throws (404).
   */
  public Map<String, Object> getMeta(String model) {
    DeploymentInfo d = gateway.deployment(requireModel(model));
    List<String> capabilities = gateway.models().stream().filter(m -> m.id().equals(model)).findFirst()
        .map(ModelInfo::capabilities).orElse(List.of());
    WorkerInfo.Backend backend = d.workers().isEmpty() ? new WorkerInfo.Backend("", "", 0) : d.workers().get(0).backend();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("model_deploy_type", d.pretrainedModelType().startsWith("saas/") ? "saas" : "proprietary");
    meta.put("backend", backend.engine());
    meta.put("model_name", backend.upstreamModel());
    meta.put("support_stream", capabilities.contains("stream"));
    meta.put("support_assistant_prefix", capabilities.contains("chat"));
    meta.put("embedding_mode", capabilities.equals(List.of("embedding")));
    meta.put("message_format", true);
    meta.put("capabilities", capabilities);
    return meta;
  }

  /** One deployment; an unknown name throws {@link LlmClientException} (404, listing the deployed ones). */
  public DeploymentInfo deployment(String model) {
    return gateway.deployment(model);
  }

  /** Every deployment with its workers and their load; secrets masked. */
  public List<DeploymentInfo> listDeployments() {
    return gateway.deployments();
  }

  /** The names of the deployed models ({@code GET /v1/models}). */
  public List<String> models() {
    return gateway.models().stream().map(ModelInfo::id).toList();
  }

  /** The deployed models with their type and capabilities ({@code GET /v1/models}). */
  public List<ModelInfo> listModels() {
    return gateway.models();
  }

  /** Issues an API key (needs an admin key); the answer holds the key, shown this once. */
  public CreatedKey createKey(NewKey request) {
    return new KeyCalls(transport()).create(request);
  }

  /** The issued keys (ids, never keys) with their limits and current usage (needs an admin key). */
  public List<KeyInfo> listKeys() {
    return new KeyCalls(transport()).list();
  }

  /** Revokes key {@code id} on every node (needs an admin key); idempotent. */
  public RevokedKey revokeKey(String id) {
    return new KeyCalls(transport()).revoke(id);
  }

  /** The cluster's members and their resources. */
  public ClusterInfo cluster() {
    return gateway.cluster();
  }

  /** True when the node answers {@code /health}; false when nothing answers at the address. */
  public boolean health() {
    return gateway.health();
  }

  /** Asks the node that receives it to leave the cluster and stop; it answers before it stops. */
  public void shutdownNode() {
    gateway.shutdownNode();
  }

  /**
   * Releases what the models behind this client hold: in-process, every deployed backend (shared by
   * all copies of this client, so close the one you made, once); over HTTP, nothing.
   */
  @Override
  public void close() {
    gateway.close();
  }

  @Override
  public String toString() {
    return "ByzerLLM[url=" + gateway.address() + ", defaultModel=" + defaultModel + ", defaultEmbModel="
        + defaultEmbModel + ", apiKey=" + (gateway.hasApiKey() ? "***" : "none") + "]";
  }

  private Map<String, Object> chatBody(String model, List<?> conversations, Map<String, Object> llmConfig,
      boolean stream) {
    String target = ChatRequestBody.model(model, llmConfig, defaultModel);
    return ChatRequestBody.build(target, conversations, llmConfig, maxOutputLength, stream);
  }

  private ChatCalls chat() {
    return new ChatCalls(gateway);
  }

  private static String requireModel(String model) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model is empty; pass the name of a deployed model (see `llm stat`)");
    }
    return model;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
