package io.byzerllm.worker.saas;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * When to try an upstream call again: only where the provider cannot have done the work (a
 * connection that was refused, or a 429/500/502/503/504 answer), at most {@code maxRetries} times,
 * after an exponential backoff with jitter, or after the provider's {@code Retry-After} when that
 * is at most {@link #MAX_RETRY_AFTER}. Timeouts are never retried: the work may be under way.
 */
record RetryPolicy(int maxRetries) {
  static final Duration BASE = Duration.ofMillis(200);
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);

  RetryPolicy {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0 (got " + maxRetries + ")");
    }
  }

  /** The statuses that say the provider did not do the work. */
  static boolean retriableStatus(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  /**
   * The wait before retry number {@code retry} (1 for the first retry), or null when there is to
   * be no retry: the retries are spent, or the provider asked for a wait longer than we hold a caller.
   */
  Duration delayBefore(int retry, Duration retryAfter) {
    if (retry > maxRetries) {
      return null;
    }
    if (retryAfter != null) {
      return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? null : retryAfter;
    }
    long cap = BASE.toMillis() << Math.min(retry - 1, 10);
    // "equal jitter": at least half the backoff, so retries spread out without bunching at zero
    return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
  }

  /** Runs {@code task} on {@code executor} after {@code delay}, holding no thread while it waits. */
  static void after(Duration delay, Executor executor, Runnable task) {
    CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, executor).execute(task);
  }
}
