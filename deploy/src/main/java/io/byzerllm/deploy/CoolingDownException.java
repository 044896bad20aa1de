package io.byzerllm.deploy;

import java.time.Duration;

/**
 * A worker refuses calls for a while after repeated upstream failures (its circuit breaker is
 * open): 503 with {@code Retry-After}, answered at once rather than after a wait.
 */
public final class CoolingDownException extends LlmException {
  private final Duration retryAfter;

  public CoolingDownException(String message, Duration retryAfter) {
    super(ErrorKind.UNAVAILABLE, message);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
