package io.byzerllm.worker.saas;

import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.saas.internal.PlainHttpClient;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to the provider and retries where {@link RetryPolicy} says it is safe. Every
 * returned future completes: with a 2xx response, or with an {@link LlmException}. Whole answers
 * from a plain-http provider go through {@link PlainHttpClient} when there is one (less than half
 * the JDK client's CPU per call: docs/benchmarks.md); streams, https providers (HTTP/2 over ALPN)
 * and downloads go through the JDK's client.
 */
final class UpstreamTransport {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamTransport.class);
  private static final int MAX_ENDPOINTS = 16;
  private final HttpClient client;
  private final PlainHttpClient plain;
  private final WireFormat wire;
  private final UpstreamSettings settings;
  private final UpstreamErrors errors;
  private final RetryPolicy retries;
  private final Executor executor;
  private final Map<String, URI> endpoints = new ConcurrentHashMap<>();

  /** {@code plain}: the client for whole answers from a plain-http provider, or null to send all through {@code client}. */
  UpstreamTransport(HttpClient client, PlainHttpClient plain, WireFormat wire, UpstreamErrors errors, Executor executor) {
    this.client = client;
    this.plain = plain;
    this.wire = wire;
    this.settings = wire.settings();
    this.errors = errors;
    this.retries = new RetryPolicy(settings.maxRetries());
    this.executor = executor;
  }

  /**
   * The POST a wire asked for, to {@code baseUrl + path}, with the provider's credentials, the
   * request's own headers and the user's extra headers ({@code saas.headers.*}, which win). No JDK
   * request timeout: both ways of sending (whole answers in {@link #send(HttpRequest)}, streams in
   * {@link UpstreamStream}) hold a deadline of their own from the first byte sent, and the JDK's
   * timer costs a wake-up of the client's selector thread per request.
   */
  HttpRequest post(WireRequest r) {
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint(r.path()))
        .header("Content-Type", r.contentType())
        .header("Accept", r.accept())
        .POST(HttpRequest.BodyPublishers.ofByteArray(r.body()));
    r.headers().forEach(b::setHeader);
    wire.authorize(b, settings.apiKey());
    r.headers().forEach(b::setHeader);
    settings.headers().forEach(b::setHeader);
    return b.build();
  }

  /** The URI of a provider path, parsed once: a wire's paths are few and fixed per deployment. */
  private URI endpoint(String path) {
    URI known = endpoints.get(path);
    if (known != null) {
      return known;
    }
    URI uri = settings.endpoint(path);
    if (endpoints.size() < MAX_ENDPOINTS) { // a wire whose path varied per call must not grow this without end
      endpoints.put(path, uri);
    }
    return uri;
  }

  /**
   * A GET of a URL an answer pointed at (a generated image), with the request timeout and no
   * credentials: the URL is the provider's signed link, often on another host.
   */
  HttpRequest get(URI url) {
    return HttpRequest.newBuilder(url).timeout(settings.timeout()).header("Accept", "*/*").GET().build();
  }

  /** {@link #send(HttpRequest)} for a wire's POST, on the plain-http client where there is one. */
  CompletableFuture<HttpResponse<byte[]>> send(WireRequest r) {
    return send(post(r), plain == null ? null : r.body());
  }

  /**
   * Sends a request whose answer is read whole. Each attempt must finish, body included, within
   * {@code saas.timeout}: the JDK's request timeout alone stops at the response headers. Once the
   * returned future completes (a caller may complete or cancel it), the attempt under way is
   * cancelled, which closes its exchange (its connection, on the plain-http client).
   */
  CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request) {
    return send(request, null);
  }

  /** {@code plainBody}: the request's body, to send it on the plain-http client; null for the JDK's. */
  private CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request, byte[] plainBody) {
    CompletableFuture<HttpResponse<byte[]>> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<?>> current = new AtomicReference<>();
    attempt(new Attempts(request, plainBody, info -> HttpResponse.BodySubscribers.ofByteArray(), a -> {
      current.set(a);
      abortAfterTimeout(a, result);
    }, () -> false, result), 0, false);
    result.whenComplete((response, failure) -> {
      CompletableFuture<?> a = current.get();
      if (a != null && !a.isDone()) {
        a.cancel(true);
      }
    });
    return result;
  }

  private void abortAfterTimeout(CompletableFuture<?> attempt, CompletableFuture<?> result) {
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        attempt.cancel(true); // closes the exchange: the provider sees the caller go away
      }
    });
    Deadline deadline = Deadline.after(settings.timeout(), executor, () -> {
      if (!attempt.isDone()) {
        result.completeExceptionally(errors.timeout(null));
        attempt.cancel(true); // closes the exchange; the attempt's own completion then finds the result done
      }
    });
    attempt.whenComplete((response, failure) -> deadline.cancel());
  }

  /**
   * Sends a request, retrying refused connections, stale pooled connections and retriable
   * statuses. {@code handler} must read non-2xx bodies as bytes (they become the error).
   * {@code onAttempt} sees each attempt's future (to cancel it); no new attempt starts once
   * {@code stopped} is true.
   */
  CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request, HttpResponse.BodyHandler<byte[]> handler,
                                               Consumer<CompletableFuture<?>> onAttempt, BooleanSupplier stopped) {
    CompletableFuture<HttpResponse<byte[]>> result = new CompletableFuture<>();
    attempt(new Attempts(request, null, handler, onAttempt, stopped, result), 0, false);
    return result;
  }

  /** What stays the same from one attempt of a request to the next; {@code plainBody} as in {@link #send(HttpRequest, byte[])}. */
  private record Attempts(HttpRequest request, byte[] plainBody, HttpResponse.BodyHandler<byte[]> handler,
                          Consumer<CompletableFuture<?>> onAttempt, BooleanSupplier stopped,
                          CompletableFuture<HttpResponse<byte[]>> result) {}

  private void attempt(Attempts a, int retry, boolean staleRetried) {
    CompletableFuture<HttpResponse<byte[]>> result = a.result();
    if (a.stopped().getAsBoolean() || result.isDone()) {
      return;
    }
    AtomicBoolean answerBegan = new AtomicBoolean();
    CompletableFuture<HttpResponse<byte[]>> call;
    try {
      call = a.plainBody() != null ? plain.post(a.request(), a.plainBody()) : client.sendAsync(a.request(), info -> {
        answerBegan.set(true);
        return a.handler().apply(info);
      });
    } catch (RuntimeException e) {
      result.completeExceptionally(errors.fromFailure(e)); // e.g. the client's executor is shut down
      return;
    }
    a.onAttempt().accept(call);
    call.whenComplete((response, failure) -> {
      try {
        if (failure == null && response.statusCode() / 100 == 2) {
          result.complete(response);
        } else if (failure != null && RetryPolicy.staleConnection(UpstreamErrors.unwrap(failure),
            answerBegan.get() || UpstreamErrors.unwrap(failure) instanceof PlainHttpClient.AnswerBrokeOff, staleRetried)) {
          LOG.debug("sending again to {}: the connection broke before an answer ({})", settings.host(), failure.toString());
          executor.execute(() -> attempt(a, retry, true));
        } else if (failure != null) {
          onFailure(failure, retry, () -> attempt(a, retry + 1, staleRetried), result);
        } else {
          onErrorStatus(response, retry, () -> attempt(a, retry + 1, staleRetried), result);
        }
      } catch (RuntimeException e) {
        result.completeExceptionally(errors.fromFailure(e));
      }
    });
  }

  private void onFailure(Throwable failure, int retry, Runnable again, CompletableFuture<?> result) {
    // Only a refused connection proves the request was never sent; anything later may have reached the provider.
    Duration delay = UpstreamErrors.unwrap(failure) instanceof ConnectException ? retries.delayBefore(retry + 1, null) : null;
    if (delay != null) {
      LOG.debug("retry {} of {} in {} ms: connection refused", retry + 1, settings.host(), delay.toMillis());
      RetryPolicy.after(delay, executor, again);
    } else {
      result.completeExceptionally(errors.fromFailure(failure));
    }
  }

  private void onErrorStatus(HttpResponse<byte[]> response, int retry, Runnable again, CompletableFuture<?> result) {
    int status = response.statusCode();
    byte[] body = response.body() == null ? new byte[0] : response.body();
    Duration delay = RetryPolicy.retriableStatus(status)
        ? retries.delayBefore(retry + 1, UpstreamErrors.retryAfter(response.headers())) : null;
    if (delay != null) {
      LOG.debug("retry {} of {} in {} ms: status {}", retry + 1, settings.host(), delay.toMillis(), status);
      RetryPolicy.after(delay, executor, again);
    } else {
      result.completeExceptionally(errors.fromResponse(status, response.headers(), body));
    }
  }
}
