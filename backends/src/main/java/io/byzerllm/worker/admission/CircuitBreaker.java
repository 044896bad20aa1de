package io.byzerllm.worker.admission;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One worker's circuit breaker over its upstream: after {@code threshold} upstream failures in a
 * row (5xx, timeouts, unreachable) it opens and the worker refuses calls before they reach the
 * backend; after {@code cooldown} it is half-open and lets calls through again, the first outcome
 * deciding (a success closes it, an upstream failure opens it for another cooldown). Any answer
 * from the upstream that is not an upstream failure (a success, a 400) counts as a success. The
 * closed state costs one volatile read per call; transitions take the breaker's lock.
 */
public final class CircuitBreaker {
  public enum State { CLOSED, OPEN, HALF_OPEN }

  private final int threshold;
  private final long cooldownNanos;
  private final LongSupplier nanoClock;
  private volatile State state = State.CLOSED;
  private volatile int failuresInARow; // written under the lock
  private long openedAt;      // guarded by this

  /** {@code threshold} 0 turns the breaker off. */
  public CircuitBreaker(int threshold, Duration cooldown, LongSupplier nanoClock) {
    if (threshold < 0) {
      throw new IllegalArgumentException("breaker threshold must be >= 0 (got " + threshold + ")");
    }
    this.threshold = threshold;
    this.cooldownNanos = cooldown.toNanos();
    this.nanoClock = nanoClock;
  }

  /** Whether a call may go to the backend now; false while open and cooling down. */
  public boolean tryPass() {
    if (state == State.CLOSED) {
      return true;
    }
    synchronized (this) {
      if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= cooldownNanos) {
        state = State.HALF_OPEN;
      }
      return state != State.OPEN;
    }
  }

  /** How long until an open breaker lets calls through again (zero when it does now). */
  public synchronized Duration remainingCooldown() {
    return state != State.OPEN ? Duration.ZERO
        : Duration.ofNanos(Math.max(0, cooldownNanos - (nanoClock.getAsLong() - openedAt)));
  }

  /** Records how a call that reached the backend ended ({@code error} null: it succeeded). */
  public void record(Throwable error) {
    LlmException failure = llmException(error);
    if (error == null || failure != null && !isUpstreamFailure(failure)) {
      succeeded(); // the upstream answered
    } else if (failure != null) {
      failed();
    } // anything else (cancelled, a bug of ours) says nothing about the upstream
  }

  private void succeeded() {
    if (state == State.CLOSED && failuresInARow == 0) {
      return;
    }
    synchronized (this) {
      failuresInARow = 0;
      state = State.CLOSED;
    }
  }

  private synchronized void failed() {
    if (threshold == 0) {
      return;
    }
    failuresInARow++;
    if (state == State.HALF_OPEN || failuresInARow >= threshold) {
      state = State.OPEN;
      openedAt = nanoClock.getAsLong();
    }
  }

  /** The state as {@code stat} shows it: an open breaker past its cooldown reads half-open. */
  public synchronized State state() {
    if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= cooldownNanos) {
      return State.HALF_OPEN;
    }
    return state;
  }

  public int failuresInARow() {
    return failuresInARow;
  }

  public int threshold() {
    return threshold;
  }

  private static LlmException llmException(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof LlmException l) {
        return l;
      }
    }
    return null;
  }

  private static boolean isUpstreamFailure(LlmException l) {
    return l.kind() == ErrorKind.UPSTREAM || l.kind() == ErrorKind.UPSTREAM_TIMEOUT || l.kind() == ErrorKind.UNAVAILABLE;
  }
}
