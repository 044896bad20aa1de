package io.byzerllm.client;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client of a ByzerLLM cluster, named after byzerllm's {@code ByzerLLM}: chat, streaming chat,
 * embeddings, speech, transcription, images, and deployment management, against any node's HTTP API.
 *
 * <p><b>Immutable and shared</b>, like OkHttp's client: every {@code with*} (and every byzerllm-style
 * {@code setup*}) returns a configured <em>copy</em> that shares one connection pool; the object you
 * call it on does not change. Keep the copy: {@code llm = llm.setupDefaultModelName("deepseek_chat")}.
 * Instances are thread-safe.
 *
 * <pre>{@code
 * var llm = ByzerLLM.connect("http://127.0.0.1:8000").withDefaultModel("deepseek_chat");
 * String answer = llm.chatOai(List.of(Message.user("你好"))).get(0).output();
 * }</pre>
 *
 * <p>Every call throws {@link LlmClientException} (unchecked) when the node answers with an error
 * (its message and status kept) or does not answer at all ({@link LlmClientException#noAnswer()}),
 * and {@link IllegalArgumentException} for arguments that cannot make a request. The API key never
 * appears in a message or in {@link #toString()}.
 */
public final class ByzerLLM {
  /** How long a call may take unless {@link #withTimeout} says otherwise; a deploy waits for its workers. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final Transport transport;
  private final String defaultModel;
  private final String defaultEmbModel;
  private final Integer maxOutputLength;

  private ByzerLLM(Transport transport, String defaultModel, String defaultEmbModel, Integer maxOutputLength) {
    this.transport = transport;
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
    Transport t = new Transport(Transport.newHttpClient(), Transport.normalize(url), System.getenv("LLM_API_KEY"),
        DEFAULT_TIMEOUT);
    return new ByzerLLM(t, null, null, null);
  }

  /** A copy that sends {@code Authorization: Bearer key} (null or blank: no key). */
  public ByzerLLM withApiKey(String key) {
    return new ByzerLLM(transport.withApiKey(key), defaultModel, defaultEmbModel, maxOutputLength);
  }

  /** A copy whose chat calls go to {@code model} when no model is named. */
  public ByzerLLM withDefaultModel(String model) {
    return new ByzerLLM(transport, blankToNull(model), defaultEmbModel, maxOutputLength);
  }

  /** byzerllm's name for {@link #withDefaultModel}; it returns the configured copy: {@code llm = llm.setupDefaultModelName(..)}. */
  public ByzerLLM setupDefaultModelName(String model) {
    return withDefaultModel(model);
  }

  /** A copy whose {@link #embQuery(String)} goes to {@code model}. */
  public ByzerLLM withDefaultEmbModel(String model) {
    return new ByzerLLM(transport, defaultModel, blankToNull(model), maxOutputLength);
  }

  /** byzerllm's name for {@link #withDefaultEmbModel}; it returns the configured copy. */
  public ByzerLLM setupDefaultEmbModelName(String model) {
    return withDefaultEmbModel(model);
  }

  /** A copy whose calls each wait at most {@code timeout} for the answer (a stream: for its start). */
  public ByzerLLM withTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive (got " + timeout + ")");
    }
    return new ByzerLLM(transport.withTimeout(timeout), defaultModel, defaultEmbModel, maxOutputLength);
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
    return new ByzerLLM(transport, defaultModel, defaultEmbModel, tokens);
  }

  /** byzerllm's name for {@link #withMaxOutputLength}; it returns the configured copy. */
  public ByzerLLM setupMaxOutputLength(int tokens) {
    return withMaxOutputLength(tokens);
  }

  /** The default chat model, or {@code null} when none is set. */
  public String defaultModel() {
    return defaultModel;
  }

  /** The default embedding model, or {@code null} when none is set. */
  public String defaultEmbModel() {
    return defaultEmbModel;
  }

  /** The connection this client sends through (shared by {@link ByzerStorage#connect(ByzerLLM, String, String, String)}). */
  Transport transport() {
    return transport;
  }

  /** The node's address, {@code http://host:port}. */
  public String url() {
    return transport.baseUrl();
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
    return new EmbeddingCalls(transport).embed(requireModel(model), texts, null);
  }

  /** Vectors for texts to be searched ({@code input_type: document}), in order. */
  public List<float[]> embDocuments(String model, List<String> texts) {
    return new EmbeddingCalls(transport).embed(requireModel(model), texts, "document");
  }

  /** The vector of a search query ({@code input_type: query}: a BGE model adds its retrieval instruction). */
  public float[] embQuery(String model, String text) {
    return new EmbeddingCalls(transport).embed(requireModel(model), List.of(text), "query").get(0);
  }

  /** byzerllm's {@code emb_query} with the default embedding model. */
  public float[] embQuery(String text) {
    if (defaultEmbModel == null) {
      throw new IllegalArgumentException("no default embedding model; set one with "
          + "llm = llm.withDefaultEmbModel(\"emb\") (byzerllm's setupDefaultEmbModelName) or call embQuery(model, text)");
    }
    return embQuery(defaultEmbModel, text);
  }

  // ---- speech, transcription, images ------------------------------------------------------------

  /** Text to speech: the audio bytes in {@code options.responseFormat()}. */
  public byte[] speech(String model, String input, SpeechOptions options) {
    return new MediaCalls(transport).speech(requireModel(model), input, options == null ? SpeechOptions.DEFAULTS : options);
  }

  /** Speech to text: uploads {@code audioFile} (multipart) and returns what was heard. */
  public Transcription transcribe(String model, Path audioFile, TranscribeOptions options) {
    return new MediaCalls(transport).transcribe(requireModel(model), audioFile,
        options == null ? TranscribeOptions.DEFAULTS : options);
  }

  /** Image generation: the images' bytes (PNG as most providers send), as many as {@code options.n()}. */
  public List<byte[]> generateImage(String model, String prompt, ImageOptions options) {
    return new MediaCalls(transport).generateImage(requireModel(model), prompt,
        options == null ? ImageOptions.DEFAULTS : options);
  }

  // ---- management -------------------------------------------------------------------------------

  /** Deploys {@code spec} and returns once every worker is ready; a taken name is a 409 CONFLICT. */
  public DeploymentInfo deploy(ModelSpec spec) {
    return deploy(spec, false);
  }

  /** Deploys {@code spec}; with {@code replace}, an existing deployment of that name is swapped without dropping requests. */
  public DeploymentInfo deploy(ModelSpec spec, boolean replace) {
    return management().deploy(spec, replace);
  }

  /** Removes a deployment; true if there was one, false if there was nothing to remove (idempotent). */
  public boolean undeploy(String model) {
    return management().undeploy(model);
  }

  /** byzerllm's {@code is_model_exist}: whether a model of this name is deployed. */
  public boolean isModelExist(String model) {
    try {
      management().deployment(model);
      return true;
    } catch (LlmClientException e) {
      if (e.status() == 404 || e.kind() == ErrorKind.MODEL_NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /** One deployment; an unknown name throws {@link LlmClientException} (404, listing the deployed ones). */
  public DeploymentInfo deployment(String model) {
    return management().deployment(model);
  }

  /** Every deployment with its workers and their load; secrets masked. */
  public List<DeploymentInfo> listDeployments() {
    return management().deployments();
  }

  /** The names of the deployed models ({@code GET /v1/models}). */
  public List<String> models() {
    return management().models().stream().map(ModelInfo::id).toList();
  }

  /** The deployed models with their type and capabilities ({@code GET /v1/models}). */
  public List<ModelInfo> listModels() {
    return management().models();
  }

  /** Issues an API key (needs an admin key); the answer holds the key, shown this once. */
  public CreatedKey createKey(NewKey request) {
    return new KeyCalls(transport).create(request);
  }

  /** The issued keys (ids, never keys) with their limits and current usage (needs an admin key). */
  public List<KeyInfo> listKeys() {
    return new KeyCalls(transport).list();
  }

  /** Revokes key {@code id} on every node (needs an admin key); idempotent. */
  public RevokedKey revokeKey(String id) {
    return new KeyCalls(transport).revoke(id);
  }

  /** The cluster's members and their resources. */
  public ClusterInfo cluster() {
    return management().cluster();
  }

  /** True when the node answers {@code /health}; false when nothing answers at the address. */
  public boolean health() {
    return management().health();
  }

  /** Asks the node that receives it to leave the cluster and stop; it answers before it stops. */
  public void shutdownNode() {
    management().shutdownNode();
  }

  @Override
  public String toString() {
    return "ByzerLLM[url=" + transport.baseUrl() + ", defaultModel=" + defaultModel + ", defaultEmbModel="
        + defaultEmbModel + ", apiKey=" + (transport.hasApiKey() ? "***" : "none") + "]";
  }

  private Map<String, Object> chatBody(String model, List<?> conversations, Map<String, Object> llmConfig,
      boolean stream) {
    String target = ChatRequestBody.model(model, llmConfig, defaultModel);
    return ChatRequestBody.build(target, conversations, llmConfig, maxOutputLength, stream);
  }

  private ChatCalls chat() {
    return new ChatCalls(transport);
  }

  private ClusterCalls management() {
    return new ClusterCalls(transport);
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
