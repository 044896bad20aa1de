package io.byzerllm.worker.saas;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
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
 * Apart from those, a connection that broke before a byte of the answer came is tried once more at
 * once ({@link #staleConnection}).
 */
record RetryPolicy(int maxRetries) {
  static final Duration BASE = Duration.ofMillis(200);
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);

  RetryPolicy {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0 (got " + maxRetries + ")");
    }
  }

  /** The statuses that say the provider did not do the work (529: Anthropic's "overloaded"). */
  static boolean retriableStatus(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504 || status == 529;
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

  /**
   * Whether a failure is a pooled connection the provider had closed while it sat idle: the
   * connection broke ({@code "HTTP/1.1 header parser received no bytes"}, {@code "Connection
   * reset"}, a broken pipe) before any byte of an answer arrived. Such a request is sent once more,
   * at once, on another connection (the pool has dropped the dead one), whatever
   * {@code saas.max_retries} says, since it is our connection's fault, not the provider's. A
   * provider that read the request and then closed without a byte cannot be told apart from that,
   * and may get the request twice; one whose answer began and then broke is never retried, and a
   * timeout is never retried.
   */
  static boolean staleConnection(Throwable failure, boolean answerBegan, boolean alreadyRetried) {
    return !answerBegan && !alreadyRetried && failure instanceof IOException && !(failure instanceof HttpTimeoutException)
        && !(failure instanceof ConnectException);
  }

  /** Runs {@code task} on {@code executor} after {@code delay}, holding no thread while it waits. */
  static void after(Duration delay, Executor executor, Runnable task) {
    CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, executor).execute(task);
  }
}
