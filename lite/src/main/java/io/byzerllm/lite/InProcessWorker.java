package io.byzerllm.lite;

import io.byzerllm.client.WorkerInfo;
import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.admission.Admission;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * One worker of an in-process deployment: its backend behind an {@link Admission}, as a node's
 * {@code LocalWorker} runs one: a free permit starts a call at once, a full worker queues it in a
 * bounded queue, a full queue refuses it at once with 429 and Retry-After. A stream holds its permit
 * until it ends. Every permit is given back exactly once.
 */
final class InProcessWorker {
  /** A call holding a permit; it must run {@code release} once, when the backend is done with it. */
  interface Start {
    void run(ModelBackend backend, Runnable release);
  }

  private final String model;
  private final int index;
  private final ModelBackend backend;
  private final AdmissionSettings settings;
  private final Admission admission;
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder busyNanos = new LongAdder();

  InProcessWorker(String model, int index, ModelBackend backend, AdmissionSettings settings) {
    this.model = model;
    this.index = index;
    this.backend = backend;
    this.settings = settings;
    this.admission = new Admission("model '" + model + "' worker " + index, settings.concurrency(),
        settings.queueCapacity(), settings.queueTimeout().toNanos(), System::nanoTime);
  }

  int load() {
    return admission.inFlight() + admission.queued();
  }

  /** A call answered by one backend stage; cancelling the answer withdraws or cancels it. */
  <T> CompletableFuture<T> call(Capability capability, Function<ModelBackend, CompletionStage<T>> work) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    admit(capability, answer, (b, release) -> {
      long start = System.nanoTime();
      CompletableFuture<T> result;
      try {
        result = work.apply(b).toCompletableFuture();
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<T> running = result;
      answer.whenComplete((v, e) -> {
        if (e != null && !running.isDone()) {
          running.cancel(true); // the caller gave up (timeout, cancel): stop the backend's work
        }
      });
      running.whenComplete((v, e) -> {
        record(System.nanoTime() - start, e != null);
        release.run();
        if (e == null) {
          answer.complete(v);
        } else {
          answer.completeExceptionally(e);
        }
      });
    });
    return answer;
  }

  /**
   * Admits {@code start} for {@code answer}: it runs now or from the queue with a permit held, or
   * {@code answer} fails with the refusal. {@code start} must complete {@code answer} and release.
   */
  void admit(Capability capability, CompletableFuture<?> answer, Start start) {
    if (!backend.capabilities().contains(capability)) {
      answer.completeExceptionally(new LlmException(ErrorKind.INVALID_REQUEST, "model '" + model
          + "' does not support " + capability.name().toLowerCase() + "; it can: " + backend.capabilities()
          .stream().map(c -> c.name().toLowerCase()).sorted().toList()));
      return;
    }
    Admission.Waiter waiter = new Admission.Waiter(() -> run(start, answer),
        reason -> answer.completeExceptionally(refusal(reason)), System.nanoTime());
    switch (admission.admit(waiter)) {
      case REFUSED -> {
        errors.increment();
        answer.completeExceptionally(refusal(refusedReason()));
      }
      case QUEUED -> answer.whenComplete((v, e) -> {
        if (e != null) {
          admission.withdraw(waiter); // the caller gave up while it waited; false if it already started
        }
      });
      case STARTED -> { }
    }
  }

  private void run(Start start, CompletableFuture<?> answer) {
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        admission.release();
      }
    };
    try {
      start.run(backend, release);
    } catch (RuntimeException e) {
      release.run();
      answer.completeExceptionally(e);
    }
  }

  void record(long nanos, boolean failed) {
    requests.increment();
    busyNanos.add(nanos);
    if (failed) {
      errors.increment();
    }
  }

  private LlmException refusedReason() {
    if (admission.state() != Admission.State.READY) {
      return new LlmException(ErrorKind.UNAVAILABLE, "model '" + model + "' is being undeployed; deploy it again");
    }
    return new LlmException(ErrorKind.OVERLOADED, "model '" + model + "' is at capacity: " + admission.inFlight()
        + " calls in flight and " + admission.queued() + " queued on worker " + index
        + "; retry later, or deploy with a higher worker_concurrency or infer_params worker.queue_size");
  }

  private LlmException refusal(LlmException reason) {
    return reason.kind() == ErrorKind.OVERLOADED ? new OverloadedException(reason.getMessage(), retryAfter()) : reason;
  }

  /** The mean call time times the calls ahead, per permit; at least the node's minimum. */
  private Duration retryAfter() {
    long calls = Math.max(1, requests.sum());
    double perCallMillis = Math.max(1, busyNanos.sum() / 1e6 / calls);
    long estimate = (long) (perCallMillis * (admission.queued() + 1) / Math.max(1, admission.concurrency()));
    return Duration.ofMillis(Math.max(settings.minRetryAfter().toMillis(), estimate));
  }

  void expireQueued() {
    admission.expireQueued();
  }

  /** Takes no new calls; completes when what it holds is done. */
  CompletableFuture<Void> drain() {
    admission.drain();
    return admission.idle();
  }

  /** Refuses what is still queued and closes the backend (which fails what still runs). */
  void close(String why) {
    admission.stop(new LlmException(ErrorKind.UNAVAILABLE, "model '" + model + "' " + why));
    backend.close();
  }

  WorkerInfo info() {
    String state = admission.state().name().toLowerCase();
    Object engine = backend.describe().getOrDefault("engine", "");
    Object upstream = backend.describe().getOrDefault("upstream_model", "");
    Object threads = backend.describe().getOrDefault("threads", 0);
    Object precision = backend.describe().getOrDefault("precision", "");
    Object choice = backend.describe().getOrDefault("engine_choice", "");
    return new WorkerInfo(index, "in-process", "ready".equals(state) ? "ready" : state, admission.inFlight(),
        admission.concurrency(), admission.queued(), requests.sum(), errors.sum(), 0, 0, // no latency histogram in-process
        new WorkerInfo.Backend(String.valueOf(engine), String.valueOf(upstream),
            threads instanceof Number n ? n.intValue() : 0, String.valueOf(precision), String.valueOf(choice)),
        "closed"); // in-process workers have no circuit breaker: a failure goes straight to the caller
  }
}
