package io.byzerllm.lite;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.client.ClusterInfo;
import io.byzerllm.client.DeploymentInfo;
import io.byzerllm.client.LlmClientException;
import io.byzerllm.client.ModelInfo;
import io.byzerllm.client.TranscribeOptions;
import io.byzerllm.client.internal.ChatEvents;
import io.byzerllm.client.internal.Gateway;
import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.worker.ChatConventions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.TranscriptionCall;
import io.byzerllm.worker.openai.ChatRequest;
import io.byzerllm.worker.openai.ChatResponses;
import io.byzerllm.worker.openai.EmbeddingJson;
import io.byzerllm.worker.openai.EmbeddingRequest;
import io.byzerllm.worker.openai.ImageRequest;
import io.byzerllm.worker.openai.SpeechRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway to models deployed in this JVM: no cluster, no actor, no port. A call is read with the
 * node's own request shapes ({@link ChatRequest}, {@link EmbeddingRequest}, ...: the same
 * {@code llm_config} keys and the same errors naming the field), admitted by the deployment's
 * {@link io.byzerllm.worker.admission.Admission} as a node admits it (429 with Retry-After past the
 * queue), answered by its backend, and returned as the body a node would answer with.
 *
 * <p>Copies made by {@code with*} share the deployments; {@link #close()} undeploys them all.
 */
final class InProcessGateway implements Gateway {
  static final String ADDRESS = "in-process";
  /** How long an undeploy lets calls in flight finish before the backend is closed under them. */
  private static final Duration UNDEPLOY_GRACE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** What every copy shares. */
  private static final class Models {
    final Path home;
    final Map<String, InProcessDeployment> deployed = new ConcurrentHashMap<>();
    final ExecutorService blocking = Executors.newFixedThreadPool(2, daemon("byzerllm-lite-blocking"));
    final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(daemon("byzerllm-lite-queue"));
    final AtomicBoolean closed = new AtomicBoolean();

    Models(Path home) {
      this.home = home;
      // Queued calls past the queue timeout are refused on a tick, as a node's worker does.
      ticks.scheduleAtFixedRate(() -> deployed.values().forEach(InProcessDeployment::expireQueued), 1, 1, TimeUnit.SECONDS);
    }
  }

  private final Models models;
  private final Duration timeout;

  private InProcessGateway(Models models, Duration timeout) {
    this.models = models;
    this.timeout = timeout;
  }

  /** A gateway with no models yet; {@code home} is where backends cache files ($LLM_HOME/cache). */
  static InProcessGateway open(Path home, Duration timeout) {
    return new InProcessGateway(new Models(home), timeout);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String address() {
    return ADDRESS;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public Gateway withTimeout(Duration t) {
    return new InProcessGateway(models, t);
  }

  /** In-process there is no node to present a key to; the models' own keys are in their infer_params. */
  @Override
  public Gateway withApiKey(String key) {
    return this;
  }

  @Override
  public boolean hasApiKey() {
    return false;
  }

  // ---- calls ------------------------------------------------------------------------------------

  @Override
  public JsonNode chat(Map<String, Object> body) {
    try {
      ChatRequest request = ChatRequest.parse(object(body), requestId());
      return completion(request, await(startChat(request)));
    } catch (RuntimeException e) {
      throw LlmClientException.of(e);
    }
  }

  @Override
  public CompletableFuture<JsonNode> chatAsync(Map<String, Object> body) {
    try {
      ChatRequest request = ChatRequest.parse(object(body), requestId());
      CompletableFuture<ChatResult> result = startChat(request);
      // The call's own bound, as an HTTP request has one; failing it withdraws or cancels the call.
      ScheduledFuture<?> timer = models.ticks.schedule(() -> result.completeExceptionally(
          new TimeoutException("no answer within " + timeout.toSeconds() + "s")), timeout.toNanos(), TimeUnit.NANOSECONDS);
      result.whenComplete((r, e) -> timer.cancel(false));
      return result.handle((r, e) -> {
        if (e != null) {
          throw LlmClientException.of(e);
        }
        return completion(request, r);
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(LlmClientException.of(e));
    }
  }

  private CompletableFuture<ChatResult> startChat(ChatRequest request) {
    return deployed(request.model()).call(Capability.CHAT, backend -> ChatConventions.chat(backend, request.call()));
  }

  private static JsonNode completion(ChatRequest request, ChatResult r) {
    return ChatResponses.completion(request.call().requestId(), request.model(), Instant.now().getEpochSecond(), r);
  }

  @Override
  public ChatEvents streamChat(Map<String, Object> body) {
    try {
      ChatRequest request = ChatRequest.parse(object(body), requestId());
      InProcessStream events = new InProcessStream(request.call().requestId(), request.model(),
          Instant.now().getEpochSecond(), request.includeUsage(), timeout);
      return await(deployed(request.model()).stream(request.call(), events));
    } catch (RuntimeException e) {
      throw LlmClientException.of(e);
    }
  }

  @Override
  public JsonNode embeddings(Map<String, Object> body) {
    try {
      EmbeddingRequest request = EmbeddingRequest.parse(object(body));
      var result = await(deployed(request.model()).call(Capability.EMBEDDING, b -> b.embed(request.call())));
      return JSON.readTree(EmbeddingJson.write(request.model(), result, request.base64()));
    } catch (IOException e) {
      throw new UncheckedIOException("an embeddings answer could not be read back", e);
    } catch (RuntimeException e) {
      throw LlmClientException.of(e);
    }
  }

  @Override
  public byte[] speech(Map<String, Object> body) {
    try {
      SpeechRequest request = SpeechRequest.parse(object(body));
      return await(deployed(request.model()).call(Capability.SPEECH, b -> b.speech(request.call()))).audio();
    } catch (RuntimeException e) {
      throw LlmClientException.of(e);
    }
  }

  @Override
  public String transcribe(String model, String fileName, byte[] audio, TranscribeOptions options) {
    try {
      TranscriptionCall call = new TranscriptionCall(audio, fileName, null, options.language(), options.prompt(),
          options.responseFormat(), List.of(), options.temperature());
      return await(deployed(model).call(Capability.TRANSCRIPTION, b -> b.transcribe(call))).body();
    } catch (IllegalArgumentException e) {
      throw LlmClientException.of(new LlmException(ErrorKind.INVALID_REQUEST, "'file': " + e.getMessage()));
    } catch (RuntimeException e) {
      throw LlmClientException.of(e);
    }
  }

  @Override
  public JsonNode generateImage(Map<String, Object> body) {
    try {
      ImageRequest request = ImageRequest.parse(object(body));
      return request.answer(await(deployed(request.model()).call(Capability.IMAGE,
          b -> b.generateImage(request.call()))));
    } catch (RuntimeException e) {
      throw LlmClientException.of(e);
    }
  }

  // ---- deployments ------------------------------------------------------------------------------

  @Override
  public DeploymentInfo deploy(ModelSpec spec, boolean replace) {
    requireOpen();
    if (!replace && models.deployed.containsKey(spec.model())) {
      throw conflict(spec.model()); // before opening a backend for nothing
    }
    InProcessDeployment opened;
    try {
      opened = InProcessDeployment.open(spec, models.home, models.blocking);
    } catch (RuntimeException e) {
      throw LlmClientException.of(e);
    }
    InProcessDeployment previous = replace ? models.deployed.put(spec.model(), opened)
        : models.deployed.putIfAbsent(spec.model(), opened);
    if (!replace && previous != null) {
      opened.close(Duration.ZERO, "lost a race to deploy the same name");
      throw conflict(spec.model()); // another deploy of this name won between the check and now
    }
    if (previous != null) {
      previous.close(UNDEPLOY_GRACE, "was replaced; retry");
    }
    return opened.info();
  }

  @Override
  public boolean undeploy(String model) {
    InProcessDeployment d = models.deployed.remove(model);
    if (d == null) {
      return false;
    }
    d.close(UNDEPLOY_GRACE, "was undeployed");
    return true;
  }

  @Override
  public DeploymentInfo deployment(String model) {
    return deployed(model).info();
  }

  @Override
  public List<DeploymentInfo> deployments() {
    return models.deployed.values().stream().map(InProcessDeployment::info).toList();
  }

  @Override
  public List<ModelInfo> models() {
    return models.deployed.values().stream().map(InProcessDeployment::modelInfo).toList();
  }

  @Override
  public ClusterInfo cluster() {
    throw noCluster("cluster()");
  }

  @Override
  public boolean health() {
    return !models.closed.get();
  }

  @Override
  public void shutdownNode() {
    throw noCluster("shutdownNode()");
  }

  /** Undeploys every model and stops the gateway's threads. */
  @Override
  public void close() {
    if (models.closed.compareAndSet(false, true)) {
      for (String model : List.copyOf(models.deployed.keySet())) {
        undeploy(model);
      }
      models.ticks.shutdownNow();
      models.blocking.shutdownNow();
    }
  }

  // ---- the parts --------------------------------------------------------------------------------

  private InProcessDeployment deployed(String model) {
    requireOpen();
    InProcessDeployment d = models.deployed.get(model);
    if (d == null) {
      throw LlmClientException.of(new LlmException(ErrorKind.MODEL_NOT_FOUND, "model '" + model
          + "' is not deployed in this client; deployed: " + models.deployed.keySet().stream().sorted().toList()
          + " (deploy it with llm.deploy(...), or list it in $LLM_HOME/models.json for getSingleLlm)"));
    }
    return d;
  }

  private void requireOpen() {
    if (models.closed.get()) {
      throw LlmClientException.of(new LlmException(ErrorKind.UNAVAILABLE,
          "this in-process client was closed; make a new one"));
    }
  }

  private static LlmClientException conflict(String model) {
    return LlmClientException.of(new LlmException(ErrorKind.CONFLICT, "model '" + model
        + "' is already deployed; undeploy it first, or deploy with replace"));
  }

  private static LlmClientException noCluster(String call) {
    return LlmClientException.of(new LlmException(ErrorKind.INVALID_REQUEST, call + " needs a node, and this "
        + "client runs its models in-process; connect to a node with ByzerLLM.connect(\"http://127.0.0.1:8000\")"));
  }

  private static ObjectNode object(Map<String, Object> body) {
    return JSON.valueToTree(body);
  }

  /** Unique enough to trace a request, as a node's ids are; not a secret. */
  private static String requestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return "chatcmpl-" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
  }

  /** Waits at most the call timeout; a call that does not answer in time is cancelled (withdrawn from the queue). */
  private <T> T await(CompletableFuture<T> call) {
    try {
      return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw LlmClientException.of(new TimeoutException("no answer within " + timeout.toSeconds() + "s"));
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw LlmClientException.of(new LlmException(ErrorKind.INTERNAL, "interrupted while waiting for the answer", e));
    } catch (ExecutionException e) {
      throw LlmClientException.of(e.getCause());
    }
  }
}
