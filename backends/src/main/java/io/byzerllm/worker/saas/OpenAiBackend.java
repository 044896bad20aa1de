package io.byzerllm.worker.saas;

import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.ForwardedAnswer;
import io.byzerllm.worker.ForwardedChat;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.ImageResult;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.SpeechCall;
import io.byzerllm.worker.SpeechResult;
import io.byzerllm.worker.StreamHandle;
import io.byzerllm.worker.TranscriptionCall;
import io.byzerllm.worker.TranscriptionResult;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code saas/openai}, {@code saas/official_openai} and {@code saas/reasoning_openai}: any provider
 * that speaks OpenAI's wire format (OpenAI, DeepSeek, Qwen compatible mode, Moonshot, SiliconFlow,
 * Volcengine Ark, a local Ollama or vLLM), over the JDK HttpClient, never blocking a caller.
 *
 * <p>Failures complete the returned stages with an {@link LlmException}: the provider's status and
 * message kept (429 as {@link io.byzerllm.deploy.OverloadedException} with its Retry-After), every
 * secret of the spec redacted. A stream's {@code done} completes with a
 * {@link java.util.concurrent.CancellationException} after its {@code cancel}.
 */
public final class OpenAiBackend implements ModelBackend {
  private final String type;
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private final OpenAiSettings settings;
  private final UpstreamClients.Lease upstream;
  private final Executor executor;
  private final UpstreamErrors errors;
  private final UpstreamTransport transport;
  private final OpenAiRequests requests;
  private final OpenAiResponses responses;
  private final Set<CompletableFuture<?>> pendingCalls = ConcurrentHashMap.newKeySet();
  private final Set<OpenAiStream> pendingStreams = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private OpenAiBackend(String type, OpenAiSettings settings, UpstreamClients.Lease upstream) {
    this.type = type;
    this.settings = settings;
    this.upstream = upstream;
    this.executor = upstream.executor();
    this.errors = new UpstreamErrors(settings);
    this.transport = new UpstreamTransport(upstream.client(), settings, errors, executor);
    this.requests = new OpenAiRequests(settings);
    this.responses = new OpenAiResponses(errors);
  }

  /**
   * Builds the backend from {@code ctx.spec()}'s {@code saas.*} infer params; a bad or missing
   * param fails with an {@link io.byzerllm.deploy.InvalidSpecException} that names it. Nothing is
   * sent upstream until the first call. Backends of one provider share its client ({@link UpstreamClients}).
   */
  public static ModelBackend open(BackendContext ctx) {
    OpenAiSettings settings = OpenAiSettings.from(ctx.spec());
    Duration connectTimeout = settings.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0 ? settings.timeout() : MAX_CONNECT_TIMEOUT;
    return new OpenAiBackend(ctx.spec().pretrainedModelType().id(), settings,
        UpstreamClients.acquire(settings.baseUrl(), connectTimeout));
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("engine", "openai-compatible");
    out.put("type", type);
    out.put("base_url", errors.redact(settings.baseUrl()));
    out.put("upstream_model", settings.model());
    out.put("timeout_s", settings.timeout().toMillis() / 1000.0);
    out.put("max_retries", settings.maxRetries());
    return out;
  }

  @Override
  public CompletionStage<ChatResult> chat(ChatCall call) {
    return call(() -> transport.postJson("/chat/completions", requests.chat(call, false), "application/json"),
        body -> responses.chat(call.requestId(), body.body()));
  }

  @Override
  public boolean forwardsChat() {
    return true;
  }

  @Override
  public CompletionStage<ForwardedAnswer> forwardChat(ForwardedChat call) {
    return call(() -> transport.post("/chat/completions", "application/json", "application/json",
            OpenAiForwarding.request(call.body(), settings.model(), settings.reasoning())),
        r -> new ForwardedAnswer(OpenAiForwarding.answer(r.body(), call.requestId(), call.model())));
  }

  @Override
  public StreamHandle stream(ChatCall call, Consumer<ChatDelta> onDelta) {
    HttpRequest request;
    try {
      request = transport.postJson("/chat/completions", requests.chat(call, true), "text/event-stream");
    } catch (RuntimeException e) {
      return new StreamHandle(CompletableFuture.failedFuture(errors.fromFailure(e)), () -> {});
    }
    if (closed) {
      return new StreamHandle(CompletableFuture.failedFuture(closedError()), () -> {});
    }
    OpenAiStream stream = new OpenAiStream(call, onDelta, errors, settings.timeout(), executor);
    pendingStreams.add(stream);
    stream.done().whenComplete((r, e) -> pendingStreams.remove(stream));
    if (closed) {
      stream.abort(closedError()); // close() ran between the check and the registration
    }
    return stream.start(transport, request);
  }

  @Override
  public CompletionStage<EmbeddingResult> embed(EmbeddingCall call) {
    return call(() -> transport.postJson("/embeddings", requests.embeddings(call), "application/json"),
        r -> responses.embeddings(r.body()));
  }

  @Override
  public CompletionStage<SpeechResult> speech(SpeechCall call) {
    return call(() -> transport.postJson("/audio/speech", requests.speech(call), "*/*"),
        r -> new SpeechResult(r.body(), r.headers().firstValue("Content-Type")
            .orElse(OpenAiRequests.responseFormat(call).equals("mp3") ? "audio/mpeg" : "application/octet-stream")));
  }

  @Override
  public CompletionStage<TranscriptionResult> transcribe(TranscriptionCall call) {
    return call(() -> transcriptionRequest(call),
        r -> responses.transcription(r.body(), r.headers().firstValue("Content-Type").orElse("application/json")));
  }

  private HttpRequest transcriptionRequest(TranscriptionCall call) {
    String format = call.responseFormat() == null || call.responseFormat().isBlank() ? "verbose_json" : call.responseFormat();
    Multipart form = new Multipart()
        .file("file", call.fileName(), call.audio())
        .field("model", call.model() == null || call.model().isBlank() ? settings.sttModel() : call.model())
        .field("language", call.language())
        .field("prompt", call.prompt())
        .field("response_format", format);
    List<String> granularities = call.timestampGranularities().isEmpty() && format.equals("verbose_json")
        ? List.of("word", "segment") : call.timestampGranularities();
    granularities.forEach(g -> form.field("timestamp_granularities[]", g));
    if (call.temperature() != null) {
      form.field("temperature", call.temperature().toString());
    }
    return transport.post("/audio/transcriptions", form.contentType(), "application/json, text/plain", form.build());
  }

  @Override
  public CompletionStage<ImageResult> generateImage(ImageCall call) {
    return call(() -> transport.postJson("/images/generations", requests.image(call), "application/json"),
        r -> responses.images(r.body()));
  }

  /** Builds, sends (with retries) and reads one call; any failure, ours included, completes the stage. */
  private <T> CompletionStage<T> call(Supplier<HttpRequest> request, Function<HttpResponse<byte[]>, T> read) {
    if (closed) {
      return CompletableFuture.failedFuture(closedError());
    }
    CompletableFuture<T> result;
    try {
      CompletableFuture<HttpResponse<byte[]>> sent = transport.send(request.get());
      result = sent.thenApply(read).exceptionallyCompose(e -> CompletableFuture.failedFuture(errors.fromFailure(e)));
      result.whenComplete((r, e) -> {
        if (result.isCancelled()) {
          sent.cancel(true); // the caller went away: stop the upstream exchange too
        }
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(errors.fromFailure(e));
    }
    pendingCalls.add(result);
    result.whenComplete((r, e) -> pendingCalls.remove(result));
    if (closed) {
      result.completeExceptionally(closedError()); // close() ran between the check and the registration
    }
    return result;
  }

  private LlmException closedError() {
    return new LlmException(ErrorKind.UNAVAILABLE, "the backend for " + settings.model() + " at " + settings.host()
        + " was closed (its worker stopped); send the request again");
  }

  /** Fails every call and stream still under way, then lets go of the shared client. Safe to call more than once. */
  @Override
  public void close() {
    closed = true;
    for (CompletableFuture<?> call : pendingCalls) {
      call.completeExceptionally(closedError());
    }
    for (OpenAiStream stream : pendingStreams) {
      stream.abort(closedError());
    }
    upstream.close();
  }

  @Override
  public String toString() {
    return "OpenAiBackend[type=" + type + ", " + settings + "]";
  }
}
