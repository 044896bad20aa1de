package io.byzerllm.worker.actor;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.deploy.CoolingDownException;
import io.byzerllm.worker.admission.Admission;
import io.micrometer.core.instrument.MeterRegistry;
import io.byzerllm.worker.admission.CircuitBreaker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A ready worker as the request path sees it on its own node: calls go straight to the backend
 * under an atomic permit (no actor message), wait in a bounded queue when every permit is taken,
 * and are refused at once with 429 beyond that. A stream holds its permit until it ends. The
 * {@link WorkerActor} owns this object's life: it makes it once the backend is open, drains and
 * closes it.
 *
 * <p>Every returned future completes: with the answer, with the backend's failure, or with a
 * {@link NotStartedException} when the backend never saw the call (the caller may try another
 * worker). Cancelling a returned future withdraws a queued call or cancels a running one.
 */
public final class LocalWorker {

  /** News of a call for a caller on another node, who may move a call that is still queued. */
  public interface Progress {
    Progress NONE = new Progress() {};

    default void queued() {}

    default void started() {}
  }

  /** A stream's events, local to this JVM; run it at once. */
  public record LocalStream(Source<StreamEvent, NotUsed> events) {}

  /**
   * A call's answer, the time its backend took (the rest of a request's time is ours) and the time
   * it waited in this worker's queue before that.
   */
  public record Result(Object value, long backendNanos, long queueNanos) {}

  private final WorkerId id;
  private final ModelBackend backend;
  private final WorkerSettings settings;
  private final StreamRunner streams;
  private final LongSupplier nanoClock;
  private final Admission admission;
  private final CircuitBreaker breaker;
  private final WorkerMetrics metrics = new WorkerMetrics();
  private final WorkerMeters meters;
  private final List<String> fallbacks;

  LocalWorker(WorkerId id, ModelBackend backend, WorkerSettings settings, StreamRunner streams, LongSupplier nanoClock,
              MeterRegistry registry, List<String> fallbacks) {
    this.id = id;
    this.fallbacks = List.copyOf(fallbacks);
    this.backend = backend;
    this.settings = settings;
    this.streams = streams;
    this.nanoClock = nanoClock;
    this.admission = new Admission("model '" + id.model() + "' worker " + id.index(), settings.concurrency(), settings.queueCapacity(), settings.queueTimeout().toNanos(),
        nanoClock);
    this.meters = new WorkerMeters(registry, id, admission::inFlight, admission::queued);
    this.breaker = new CircuitBreaker(settings.breakerFailures(), settings.breakerCooldown(), nanoClock);
  }

  public WorkerId id() {
    return id;
  }

  /** Calls in flight plus calls queued: what a router compares between workers. */
  public int load() {
    return admission.inFlight() + admission.queued();
  }

  /** The deployments its deployment falls back to, in order (its spec's {@code --fallback}). */
  public List<String> fallbacks() {
    return fallbacks;
  }

  /** Whether the backend takes OpenAI-shaped chat bodies as they are ({@link Work.Forward}, {@link Work.ForwardStream}). */
  public boolean forwardsChat() {
    return backend.forwardsChat();
  }


  /**
   * Does {@code work}: the answer's value is the backend's result, or a {@link LocalStream} for a
   * {@link Work.Stream} or {@link Work.ForwardStream} (complete once its first event is ready).
   */
  public CompletableFuture<Result> call(Work work, Progress progress) {
    CompletableFuture<Result> answer = new CompletableFuture<>();
    if (!backend.capabilities().contains(work.capability())) {
      return CompletableFuture.failedFuture(backend.lacking(work.capability()));
    }
    if (!breaker.tryPass()) {
      metrics.rejected();
      answer.completeExceptionally(new NotStartedException(coolingDown()));
      return answer;
    }
    AtomicBoolean wasQueued = new AtomicBoolean();
    long arrived = nanoClock.getAsLong();
    Admission.Waiter waiter = new Admission.Waiter(() -> {
      if (wasQueued.get()) {
        progress.started();
      }
      run(work, answer, arrived);
    }, reason -> answer.completeExceptionally(refusal(reason)), arrived);
    Admission.Outcome outcome = admission.admit(waiter);
    switch (outcome) {
      case REFUSED -> {
        metrics.rejected();
        answer.completeExceptionally(refusal(refusedReason()));
      }
      case QUEUED -> {
        wasQueued.set(true);
        progress.queued();
        answer.whenComplete((v, e) -> {
          if (answer.isCancelled()) {
            admission.withdraw(waiter);
          }
        });
      }
      case STARTED -> { }
    }
    return answer;
  }

  private void run(Work work, CompletableFuture<Result> answer, long arrived) {
    long start = nanoClock.getAsLong();
    long queueNanos = start - arrived;
    meters.queued(queueNanos);
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        admission.release();
      }
    };
    try {
      if (work instanceof Work.Stream || work instanceof Work.ForwardStream) {
        StreamRunner.Running running = streams.open(backend, work);
        running.finished().whenComplete((r, e) -> {
          metrics.record(nanoClock.getAsLong() - start, e != null);
          if (e != null) {
            meters.failed(e);
          }
          breaker.record(e);
          release.run();
        });
        running.opened().whenComplete((events, e) -> {
          if (e != null) {
            answer.completeExceptionally(e);
          } else if (!answer.complete(new Result(new LocalStream(events), 0, queueNanos))) {
            running.cancel().run(); // the caller went away before the first event
          }
        });
        answer.whenComplete((v, e) -> {
          if (answer.isCancelled()) {
            running.cancel().run();
          }
        });
        return;
      }
      CompletableFuture<?> result = WorkDispatch.run(backend, work).toCompletableFuture();
      answer.whenComplete((v, e) -> {
        if (answer.isCancelled()) {
          result.cancel(true);
        }
      });
      result.whenComplete((value, error) -> {
        long nanos = nanoClock.getAsLong() - start;
        metrics.record(nanos, error != null);
        if (error != null) {
          meters.failed(error);
        }
        breaker.record(error);
        release.run();
        if (error == null) {
          answer.complete(new Result(value, nanos, queueNanos));
        } else {
          answer.completeExceptionally(error);
        }
      });
    } catch (RuntimeException e) {
      metrics.record(nanoClock.getAsLong() - start, true);
      meters.failed(e);
      breaker.record(e);
      release.run();
      answer.completeExceptionally(e);
    }
  }

  private CoolingDownException coolingDown() {
    Duration wait = breaker.remainingCooldown();
    return new CoolingDownException("worker " + id.index() + " of '" + id.model() + "' is cooling down after "
        + breaker.threshold() + " upstream failures in a row; it takes calls again in "
        + Math.max(1, (wait.toMillis() + 999) / 1000) + "s (see 'llm stat')", wait.compareTo(settings.minRetryAfter()) < 0
        ? settings.minRetryAfter() : wait);
  }

  private LlmException refusedReason() {
    if (admission.state() != Admission.State.READY) {
      return new LlmException(ErrorKind.UNAVAILABLE, "worker " + id.index() + " of '" + id.model() + "' is "
          + admission.state().name().toLowerCase() + "; retry");
    }
    return new LlmException(ErrorKind.OVERLOADED, "model '" + id.model() + "' is at capacity: "
        + admission.inFlight() + " calls in flight and " + admission.queued() + " queued on worker " + id.index()
        + "; retry later or deploy more workers");
  }

  /** A refusal before the backend: 429s carry Retry-After. */
  private NotStartedException refusal(LlmException reason) {
    return new NotStartedException(reason.kind() == ErrorKind.OVERLOADED
        ? new OverloadedException(reason.getMessage(), retryAfter()) : reason);
  }

  private Duration retryAfter() {
    double perCall = Math.max(metrics.p50Millis(), 1);
    long estimate = (long) (perCall * (admission.queued() + 1) / Math.max(1, admission.concurrency()));
    return Duration.ofMillis(Math.max(settings.minRetryAfter().toMillis(), estimate));
  }

  void expireQueued() {
    admission.expireQueued();
  }

  /** Takes no new calls; {@code idle} completes when what it holds is done. */
  CompletableFuture<Void> drain() {
    admission.drain();
    return admission.idle();
  }

  ModelBackend backend() {
    return backend;
  }

  /** Refuses what is queued and closes the backend (which fails what is still running). */
  void close(String why) {
    admission.stop(new LlmException(ErrorKind.UNAVAILABLE, "model '" + id.model() + "': " + why + "; retry"));
    meters.remove();
    backend.close();
  }

  WorkerStatus status(String node) {
    String state = switch (admission.state()) {
      case READY -> "ready";
      case DRAINING -> "draining";
      case STOPPED -> "stopped";
    };
    return new WorkerStatus(id, node, state, admission.inFlight(), admission.concurrency(), admission.queued(),
        metrics.requests(), metrics.errors(), metrics.p50Millis(), metrics.p99Millis(), backend.describe(),
        breaker.state().name().toLowerCase(java.util.Locale.ROOT));
  }
}
