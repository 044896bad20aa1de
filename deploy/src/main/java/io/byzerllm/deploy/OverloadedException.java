package io.byzerllm.deploy;

import java.time.Duration;

/** Every slot and queue place is taken: answer 429 at once and say when to come back. */
public final class OverloadedException extends LlmException {
  private final Duration retryAfter;

  public OverloadedException(String message, Duration retryAfter) {
    super(ErrorKind.OVERLOADED, message);
    this.retryAfter = retryAfter;
  }

  public OverloadedException(int status, String message, Duration retryAfter, Throwable cause) {
    super(ErrorKind.OVERLOADED, status, message, cause);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
