package io.byzerllm.worker.admission;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Admits calls to one worker without messages: a free permit starts a call at once (one CAS), a
 * full worker queues it in a bounded queue, and a full queue refuses it at once. Every permit taken
 * is given back exactly once through {@link #release()}, which hands it to the oldest queued call.
 * Thread-safe; no lock is held while a caller's code runs.
 */
public final class Admission {

  /** A call waiting for a permit. {@code start} runs with a permit held; {@code refuse} if it never gets one. */
  public record Waiter(Runnable start, Consumer<LlmException> refuse, long enqueuedNanos) {}

  public enum State { READY, DRAINING, STOPPED }

  /** What became of a call offered to {@link #admit}. */
  public enum Outcome { STARTED, QUEUED, REFUSED }

  private final Permits permits;
  private final int queueCapacity;
  private final long queueTimeoutNanos;
  private final LongSupplier nanoClock;
  private final String label;
  private final ConcurrentLinkedQueue<Waiter> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final CompletableFuture<Void> idleAfterDrain = new CompletableFuture<>();
  private volatile State state = State.READY;

  /** {@code label} names the worker in refusals, e.g. "model 'chat' worker 0". */
  public Admission(String label, int concurrency, int queueCapacity, long queueTimeoutNanos, LongSupplier nanoClock) {
    this.label = label;
    this.permits = new Permits(concurrency);
    this.queueCapacity = queueCapacity;
    this.queueTimeoutNanos = queueTimeoutNanos;
    this.nanoClock = nanoClock;
  }

  /**
   * Starts the waiter now (permit held), queues it, or refuses it: {@code STARTED} and {@code QUEUED}
   * mean {@code start} or {@code refuse} will run exactly once; {@code REFUSED} means neither will.
   */
  public Outcome admit(Waiter waiter) {
    if (state != State.READY) {
      return Outcome.REFUSED;
    }
    if (queue.isEmpty() && permits.tryTake()) {
      waiter.start().run();
      return Outcome.STARTED;
    }
    for (int n = queued.get(); ; n = queued.get()) {
      if (n >= queueCapacity) {
        return Outcome.REFUSED;
      }
      if (queued.compareAndSet(n, n + 1)) {
        break;
      }
    }
    queue.add(waiter);
    // A permit given back between tryTake and add found the queue empty: look again.
    startQueued();
    return Outcome.QUEUED;
  }

  /** Gives back a permit taken by a started call, and starts the oldest queued call with it. */
  public void release() {
    permits.giveBack();
    startQueued();
    completeIfIdle();
  }

  /** Takes a queued waiter out (its caller went away); false if it already started or was refused. */
  public boolean withdraw(Waiter waiter) {
    if (queue.remove(waiter)) {
      queued.decrementAndGet();
      completeIfIdle();
      return true;
    }
    return false;
  }

  private void startQueued() {
    while (!queue.isEmpty() && permits.tryTake()) {
      Waiter next = queue.poll();
      if (next == null) {
        permits.giveBack(); // another thread took the last one; look again
        continue;
      }
      queued.decrementAndGet();
      if (expired(next, nanoClock.getAsLong())) {
        permits.giveBack();
        next.refuse().accept(waitedTooLong());
      } else {
        next.start().run();
      }
    }
  }

  /** Refuses queued calls that waited longer than the queue timeout; called on a timer. */
  public void expireQueued() {
    long now = nanoClock.getAsLong();
    for (Waiter w : queue) {
      if (expired(w, now) && queue.remove(w)) {
        queued.decrementAndGet();
        w.refuse().accept(waitedTooLong());
      }
    }
    completeIfIdle();
  }

  private boolean expired(Waiter w, long now) {
    return now - w.enqueuedNanos() > queueTimeoutNanos;
  }

  private LlmException waitedTooLong() {
    return new LlmException(ErrorKind.OVERLOADED, "waited " + queueTimeoutNanos / 1_000_000_000L
        + "s in the queue of " + label + " without a free slot; retry later");
  }

  /** Takes no new calls; what is in flight and queued still runs. {@link #idle()} completes when all is done. */
  public void drain() {
    if (state == State.READY) {
      state = State.DRAINING;
    }
    completeIfIdle();
  }

  /** Takes no new calls and refuses every queued one with {@code reason}. */
  public void stop(LlmException reason) {
    state = State.STOPPED;
    for (Waiter w = queue.poll(); w != null; w = queue.poll()) {
      queued.decrementAndGet();
      w.refuse().accept(reason);
    }
  }

  /** Completes once draining and nothing is in flight or queued. */
  public CompletableFuture<Void> idle() {
    return idleAfterDrain;
  }

  private void completeIfIdle() {
    if (state != State.READY && permits.used() == 0 && queued.get() == 0) {
      idleAfterDrain.complete(null);
    }
  }

  public State state() {
    return state;
  }

  public int inFlight() {
    return permits.used();
  }

  public int queued() {
    return queued.get();
  }

  public int concurrency() {
    return permits.limit();
  }
}
