package io.byzerllm.client.prompt;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs blocking calls (a model call, a prompt function) without blocking the caller, byzerllm's
 * {@code asyncfy_with_semaphore}: each call runs on this object's threads, at most {@code permits} at a
 * time (the others wait for a permit on those threads' queue, not in the caller), and a call that takes
 * longer than {@code timeout} is interrupted and its future fails with a {@link TimeoutException}.
 *
 * <pre>{@code
 * try (var async = Asyncfy.withSemaphore(4, Duration.ofSeconds(60))) {
 *   CompletableFuture<String> f = async.run(() -> hello.run("q", "你是谁"));
 * }
 * }</pre>
 *
 * <p>Close it to stop its threads (calls in flight are interrupted). {@link #shared()} is the
 * process-wide instance behind {@code runAsync}; it is never closed.
 */
public final class Asyncfy implements AutoCloseable {
  private static final Asyncfy SHARED = new Asyncfy(64, null, "byzerllm-async");

  private final ExecutorService executor;
  private final Semaphore semaphore;
  private final Duration timeout;

  private Asyncfy(int permits, Duration timeout, String threadName) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be >= 1 (got " + permits + ")");
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive (got " + timeout + ")");
    }
    this.semaphore = new Semaphore(permits);
    this.timeout = timeout;
    this.executor = Executors.newCachedThreadPool(daemonThreads(threadName));
  }

  /** At most {@code permits} calls at once, each bounded by {@code timeout} (null: no limit). */
  public static Asyncfy withSemaphore(int permits, Duration timeout) {
    return new Asyncfy(permits, timeout, "byzerllm-asyncfy");
  }

  /** The process-wide instance (64 calls at once, no timeout) used by {@code runAsync} and async prompt methods. */
  public static Asyncfy shared() {
    return SHARED;
  }

  /** byzerllm's {@code asyncfy}: wraps an already computed value, no thread involved. */
  public static <T> CompletableFuture<T> asyncfy(Callable<T> call) {
    try {
      return CompletableFuture.completedFuture(call.call());
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Runs {@code call} under the semaphore and timeout; the future carries its result or failure. */
  public <T> CompletableFuture<T> run(Callable<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Future<?> task = executor.submit(() -> execute(call, result));
    if (timeout != null) {
      result.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((v, e) -> {
        if (e instanceof TimeoutException) {
          task.cancel(true); // interrupts the blocked call, which returns its permit
        }
      });
    }
    return result;
  }

  /** {@link #run} for a call that throws no checked exception. */
  public <T> CompletableFuture<T> supply(Supplier<T> call) {
    return run(call::get);
  }

  private <T> void execute(Callable<T> call, CompletableFuture<T> result) {
    try {
      semaphore.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(e);
      return;
    }
    try {
      result.complete(call.call());
    } catch (CompletionException e) {
      result.completeExceptionally(e.getCause() == null ? e : e.getCause());
    } catch (Exception e) {
      result.completeExceptionally(e);
    } finally {
      semaphore.release();
    }
  }

  /** Permits free right now (for monitoring). */
  public int availablePermits() {
    return semaphore.availablePermits();
  }

  @Override
  public void close() {
    if (this != SHARED) {
      executor.shutdownNow();
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
