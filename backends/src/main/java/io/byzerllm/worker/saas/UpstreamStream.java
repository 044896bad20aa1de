package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.StreamHandle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One streamed chat completion in any provider's SSE framing: its {@link StreamReading} makes each
 * event a delta (translated) or a frame of the provider's bytes (forwarded), delivered in order,
 * from one thread at a time.
 * {@code done} completes once: with the answer at {@code [DONE]}; with an
 * {@link LlmException} on an upstream error event, a broken connection, or nothing read for
 * longer than {@code saas.timeout} (headers, an error body, or the next line of the stream); or with a {@link CancellationException} after {@link #cancel()}.
 * No delta is delivered after {@code done} completes.
 */
final class UpstreamStream implements SseFrameReader.Listener {
  private final String requestId;
  private final StreamReading reading;
  private final WireFormat wire;
  private final UpstreamErrors errors;
  private final Duration idleTimeout;
  private final Executor executor;
  private final CompletableFuture<ChatResult> done = new CompletableFuture<>();
  private final Object lock = new Object();
  private final long startNanos = System.nanoTime();
  private boolean finished; // guarded by lock
  private double firstTokenMillis; // guarded by lock
  private volatile long lastActivityNanos = startNanos;
  private volatile SseFrameReader reader;
  private volatile CompletableFuture<?> attempt;
  private volatile Deadline idleDeadline;

  UpstreamStream(String requestId, StreamReading reading, WireFormat wire, UpstreamErrors errors, Duration idleTimeout,
                 Executor executor) {
    this.requestId = requestId;
    this.reading = reading;
    this.wire = wire;
    this.errors = errors;
    this.idleTimeout = idleTimeout;
    this.executor = executor;
  }

  /** Sends the request; {@code done} completes as described on the class. */
  StreamHandle start(UpstreamTransport transport, HttpRequest request) {
    // The watch runs from the start: the JDK's request timeout stops at the headers, and an error
    // status or a JSON answer is read whole, so without it a body that stalls would never end.
    watchIdle(idleTimeout);
    transport.send(request, this::bodyFor, this::onAttempt, this::isFinished)
        .whenComplete((response, failure) -> {
          if (failure != null) {
            fail(errors.fromFailure(failure));
          } else if (response.body() != null) {
            onWholeAnswer(response.body());
          }
        });
    return new StreamHandle(done, this::cancel);
  }

  /**
   * A 2xx event stream is read event by event as it arrives (the body is then null); an error status
   * or a JSON answer (a provider that ignored {@code stream}) is read whole.
   */
  private HttpResponse.BodySubscriber<byte[]> bodyFor(HttpResponse.ResponseInfo info) {
    onActivity(); // the headers came: the body (whole, or its next line) has saas.timeout from now
    String type = info.headers().firstValue("Content-Type").orElse("");
    if (info.statusCode() / 100 != 2 || type.contains("json")) {
      return HttpResponse.BodySubscribers.ofByteArray();
    }
    SseFrameReader r = new SseFrameReader(this);
    reader = r;
    if (isFinished()) {
      r.cancel(); // cancelled while the headers were on their way
    }
    return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.fromSubscriber(r), nothing -> null);
  }

  /** Each attempt (a retry included) gets the whole timeout for its headers. */
  private void onAttempt(CompletableFuture<?> a) {
    attempt = a;
    onActivity();
  }

  private void watchIdle(Duration wait) {
    idleDeadline = Deadline.after(wait, executor, () -> {
      if (isFinished()) {
        return;
      }
      long idle = System.nanoTime() - lastActivityNanos;
      if (idle >= idleTimeout.toNanos()) {
        fail(errors.timeout(null));
      } else {
        watchIdle(Duration.ofNanos(idleTimeout.toNanos() - idle));
      }
    });
  }

  @Override
  public void onActivity() {
    lastActivityNanos = System.nanoTime();
  }

  @Override
  public void onFrame(byte[] frame) {
    StreamReading.Step step;
    try {
      step = reading.event(frame);
    } catch (MalformedAnswer e) {
      fail(errors.badAnswer(e));
      return;
    } catch (RuntimeException e) {
      fail(errors.fromFailure(e));
      return;
    }
    if (step instanceof StreamReading.Step.Deliver d) {
      deliver(d);
    } else if (step instanceof ChunkReader.Chunk.Done) {
      succeed();
    } else if (step instanceof ChunkReader.Chunk.Failed f) {
      fail(errors.midStream(f.message()));
    }
  }

  /** A whole JSON answer to a stream request: an error, or a completion delivered at once. */
  private void onWholeAnswer(byte[] body) {
    try {
      JsonNode json = SaasJson.MAPPER.readTree(body);
      if (json != null && json.has("error") && !json.get("error").isNull()) {
        fail(errors.midStream(wire.errorMessage(body)));
        return;
      }
      deliver(reading.whole(body));
      succeed();
    } catch (IOException e) {
      fail(errors.badAnswer("a body that is not valid JSON", new String(body, StandardCharsets.UTF_8)));
    } catch (MalformedAnswer e) {
      fail(errors.badAnswer(e));
    } catch (RuntimeException e) {
      fail(errors.fromFailure(e));
    }
  }

  private void deliver(StreamReading.Step.Deliver d) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      if (firstTokenMillis == 0 && d.token()) {
        firstTokenMillis = Math.max(Double.MIN_VALUE, (System.nanoTime() - startNanos) / 1e6);
      }
      try {
        d.handOver().run();
        return;
      } catch (RuntimeException e) {
        finished = true;
        stopUpstream();
        done.completeExceptionally(e); // the consumer's own failure, passed on as it is
      }
    }
  }

  @Override
  public void onEnd() {
    boolean complete;
    synchronized (lock) {
      complete = reading.finished();
    }
    if (complete) {
      succeed(); // some providers end after the finish_reason without [DONE]
    } else {
      fail(new LlmException(ErrorKind.UPSTREAM, "upstream " + errors.host() + " ended the stream before it finished"));
    }
  }

  @Override
  public void onError(Throwable failure) {
    fail(errors.fromFailure(failure));
  }

  private void succeed() {
    ChatResult result;
    synchronized (lock) {
      if (finished) {
        return;
      }
      finished = true;
      result = reading.result(requestId, firstTokenMillis);
    }
    stopIdleWatch();
    done.complete(result);
  }

  private void fail(Throwable failure) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      finished = true;
    }
    stopUpstream();
    done.completeExceptionally(failure);
  }

  /** The caller went away: stop reading, close the connection, complete {@code done} at once. */
  void cancel() {
    fail(new CancellationException("stream " + requestId + " cancelled by the caller"));
  }

  /** Ends the stream with this failure (the backend is closing), unless it already ended. */
  void abort(LlmException failure) {
    fail(failure);
  }

  CompletableFuture<ChatResult> done() {
    return done;
  }

  private boolean isFinished() {
    synchronized (lock) {
      return finished;
    }
  }

  private void stopIdleWatch() {
    Deadline d = idleDeadline;
    if (d != null) {
      d.cancel();
    }
  }

  private void stopUpstream() {
    stopIdleWatch();
    SseFrameReader r = reader;
    if (r != null) {
      r.cancel();
    }
    CompletableFuture<?> a = attempt;
    if (a != null) {
      a.cancel(true);
    }
  }
}
