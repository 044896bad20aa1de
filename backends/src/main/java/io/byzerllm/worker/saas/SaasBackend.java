package io.byzerllm.worker.saas;

import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
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
import io.byzerllm.worker.Usage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The backend of every SaaS model type: runs calls, streams and close over one provider's
 * {@link WireFormat}, on the JDK HttpClient shared per provider ({@link UpstreamClients}), with
 * retries ({@link RetryPolicy}), deadlines ({@code saas.timeout}) and SSE ({@link UpstreamStream}),
 * never blocking a caller. A capability the model type lacks is refused before anything is sent,
 * with a message that names what the type can do.
 *
 * <p>Failures complete the returned stages with an {@link LlmException}: the provider's status and
 * message kept (429 as {@link io.byzerllm.deploy.OverloadedException} with its Retry-After), every
 * secret of the spec redacted. A stream's {@code done} completes with a
 * {@link java.util.concurrent.CancellationException} after its {@code cancel}.
 */
public final class SaasBackend implements ModelBackend {
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private final ModelType type;
  private final WireFormat wire;
  private final UpstreamSettings settings;
  private final UpstreamClients.Lease upstream;
  private final Executor executor;
  private final UpstreamErrors errors;
  private final UpstreamTransport transport;
  private final ImageDownloads imageDownloads;
  private final Set<CompletableFuture<?>> pendingCalls = ConcurrentHashMap.newKeySet();
  private final Set<UpstreamStream> pendingStreams = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private SaasBackend(ModelType type, WireFormat wire, UpstreamClients.Lease upstream) {
    this.type = type;
    this.wire = wire;
    this.settings = wire.settings();
    this.upstream = upstream;
    this.executor = upstream.executor();
    this.errors = new UpstreamErrors(wire);
    this.transport = new UpstreamTransport(upstream.client(),
        settings.httpClient() == UpstreamSettings.HttpClientChoice.AUTO ? upstream.plain() : null, wire, errors, executor);
    this.imageDownloads = new ImageDownloads(transport, errors);
  }

  /**
   * Builds the backend from {@code ctx.spec()}'s {@code saas.*} infer params; a bad or missing
   * param fails with an {@link io.byzerllm.deploy.InvalidSpecException} that names it. Nothing is
   * sent upstream until the first call. Backends of one provider share its client ({@link UpstreamClients}).
   */
  public static ModelBackend open(BackendContext ctx) {
    WireFormat wire = SaasBackendFactory.wireFor(ctx.spec());
    UpstreamSettings settings = wire.settings();
    Duration connectTimeout = settings.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0 ? settings.timeout() : MAX_CONNECT_TIMEOUT;
    return new SaasBackend(ctx.spec().pretrainedModelType(), wire,
        UpstreamClients.acquire(settings.baseUrl(), connectTimeout));
  }

  @Override
  public Set<Capability> capabilities() {
    return type.capabilities();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("engine", wire.engine());
    out.put("type", type.id());
    out.put("base_url", errors.redact(settings.baseUrl()));
    out.put("upstream_model", settings.model());
    out.put("timeout_s", settings.timeout().toMillis() / 1000.0);
    out.put("max_retries", settings.maxRetries());
    wire.describe(out);
    return out;
  }

  @Override
  public CompletionStage<ChatResult> chat(ChatCall call) {
    return call(Capability.CHAT, () -> wire.chat(call, false), r -> wire.readChat(call.requestId(), r.body()));
  }

  @Override
  public boolean forwardsChat() {
    return wire.forwardsChat();
  }

  @Override
  public CompletionStage<ForwardedAnswer> forwardChat(ForwardedChat call) {
    if (!wire.forwardsChat()) {
      return ModelBackend.super.forwardChat(call);
    }
    return call(Capability.CHAT, () -> wire.forwardChat(call.body(), false),
        r -> new ForwardedAnswer(OpenAiForwarding.answer(r.body(), call.requestId(), call.model())));
  }

  @Override
  public StreamHandle stream(ChatCall call, Consumer<ChatDelta> onDelta) {
    return start(call.requestId(), () -> wire.chat(call, true), () -> new TranslatedReading(call, wire, onDelta));
  }

  @Override
  public StreamHandle forwardStream(ForwardedChat call, Consumer<byte[]> onFrame) {
    if (!wire.forwardsChat()) {
      return ModelBackend.super.forwardStream(call, onFrame);
    }
    return start(call.requestId(), () -> wire.forwardChat(call.body(), true),
        () -> new ForwardedReading(call.requestId(), call.model(), call.includeUsage(), onFrame));
  }

  /** Sends a stream request and reads its answer with {@code reading}; any failure, ours included, ends {@code done}. */
  private StreamHandle start(String requestId, Supplier<WireRequest> build, Supplier<StreamReading> reading) {
    LlmException lacking = refusal(Capability.STREAM);
    if (lacking != null) {
      return new StreamHandle(CompletableFuture.failedFuture(lacking), () -> {});
    }
    HttpRequest request;
    try {
      request = transport.post(build.get());
    } catch (RuntimeException e) {
      return new StreamHandle(CompletableFuture.failedFuture(errors.fromFailure(e)), () -> {});
    }
    if (closed) {
      return new StreamHandle(CompletableFuture.failedFuture(closedError()), () -> {});
    }
    UpstreamStream stream = new UpstreamStream(requestId, reading.get(), wire, errors, settings.timeout(), executor);
    pendingStreams.add(stream);
    stream.done().whenComplete((r, e) -> pendingStreams.remove(stream));
    if (closed) {
      stream.abort(closedError()); // close() ran between the check and the registration
    }
    return stream.start(transport, request);
  }

  @Override
  public CompletionStage<EmbeddingResult> embed(EmbeddingCall call) {
    int limit = wire.embeddingBatchLimit(call);
    if (call.inputs().size() <= limit) {
      return embedOnce(call);
    }
    return embedInBatches(call, limit);
  }

  private CompletionStage<EmbeddingResult> embedOnce(EmbeddingCall call) {
    return call(Capability.EMBEDDING, () -> wire.embeddings(call), r -> wire.readEmbeddings(r.body()));
  }

  /**
   * A call with more texts than the provider takes at once: batches sent one after another (the
   * upstream load of one call, as the worker's permit counts it), vectors put back in input order,
   * usage summed. Cancelling the result cancels the batch under way; the first failure fails it all.
   */
  private CompletionStage<EmbeddingResult> embedInBatches(EmbeddingCall call, int limit) {
    List<String> inputs = call.inputs();
    CompletableFuture<EmbeddingResult> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<EmbeddingResult>> current = new AtomicReference<>();
    CompletableFuture<List<EmbeddingResult>> chain = CompletableFuture.completedFuture(new ArrayList<>());
    for (int from = 0; from < inputs.size(); from += limit) {
      EmbeddingCall batch = new EmbeddingCall(inputs.subList(from, Math.min(inputs.size(), from + limit)), call.query(),
          call.model(), call.dimensions());
      chain = chain.thenCompose(done -> {
        if (result.isDone()) {
          return CompletableFuture.failedFuture(new CancellationException("the embedding call was cancelled"));
        }
        CompletableFuture<EmbeddingResult> next = embedOnce(batch).toCompletableFuture();
        current.set(next);
        return next.thenApply(r -> {
          done.add(r);
          return done;
        });
      });
    }
    chain.whenComplete((batches, e) -> {
      if (e != null) {
        result.completeExceptionally(UpstreamErrors.unwrap(e));
      } else {
        result.complete(joined(batches));
      }
    });
    result.whenComplete((r, e) -> {
      CompletableFuture<EmbeddingResult> under = current.get();
      if (result.isCancelled() && under != null) {
        under.cancel(true); // the caller went away: stop the batch under way; no later batch starts
      }
    });
    return result;
  }

  private static EmbeddingResult joined(List<EmbeddingResult> batches) {
    List<float[]> vectors = new ArrayList<>();
    int prompt = 0;
    int truncated = 0;
    String model = null;
    for (EmbeddingResult b : batches) {
      vectors.addAll(b.vectors());
      prompt += b.usage().promptTokens();
      truncated += b.truncatedInputs();
      model = model == null ? b.upstreamModel() : model;
    }
    return new EmbeddingResult(vectors, new Usage(prompt, 0), truncated, model);
  }

  @Override
  public CompletionStage<SpeechResult> speech(SpeechCall call) {
    return call(Capability.SPEECH, () -> wire.speech(call), r -> wire.readSpeech(answer(r), call));
  }

  @Override
  public CompletionStage<TranscriptionResult> transcribe(TranscriptionCall call) {
    return call(Capability.TRANSCRIPTION, () -> wire.transcription(call), r -> wire.readTranscription(answer(r)));
  }

  @Override
  public CompletionStage<ImageResult> generateImage(ImageCall call) {
    CompletableFuture<ImageAnswer> answer =
        call(Capability.IMAGE, () -> wire.image(call), r -> wire.readImageAnswer(r.body())).toCompletableFuture();
    CompletableFuture<ImageResult> images = answer.thenCompose(imageDownloads::complete);
    images.whenComplete((r, e) -> {
      if (images.isCancelled()) {
        answer.cancel(true); // the caller went away: stop the generation call too (as every other call does)
      }
    });
    return images;
  }

  private static WireAnswer answer(HttpResponse<byte[]> r) {
    return new WireAnswer(r.body(), r.headers().firstValue("Content-Type").orElse(""));
  }

  /** The refusal of a capability the model type lacks ({@link #lacking}); null when it has it. */
  private LlmException refusal(Capability capability) {
    return type.capabilities().contains(capability) ? null : lacking(capability);
  }

  /** Builds, sends (with retries) and reads one call; any failure, ours included, completes the stage. */
  private <T> CompletionStage<T> call(Capability capability, Supplier<WireRequest> request,
                                      Function<HttpResponse<byte[]>, T> read) {
    LlmException lacking = refusal(capability);
    if (lacking != null) {
      return CompletableFuture.failedFuture(lacking);
    }
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
    for (UpstreamStream stream : pendingStreams) {
      stream.abort(closedError());
    }
    upstream.close();
  }

  @Override
  public String toString() {
    return "SaasBackend[type=" + type.id() + ", " + settings + "]";
  }
}
