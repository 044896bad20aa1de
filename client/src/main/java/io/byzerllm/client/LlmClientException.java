package io.byzerllm.client;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.deploy.Redactor;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A call the node refused or could not answer. Unchecked; {@link #kind()} tells the failures apart
 * (e.g. {@code MODEL_NOT_FOUND}, {@code CONFLICT}, {@code OVERLOADED}). The message is the node's
 * {@code error.message}, which says what is wrong and how to fix it; it never holds the API key.
 *
 * <p>{@link #status()} is the HTTP status the node answered with, or {@code 0} when no answer came at
 * all (nothing listens at the address, the connection broke, or the client timed out); see
 * {@link #noAnswer()}.
 */
public final class LlmClientException extends LlmException {
  private final String type;
  private final Duration retryAfter;

  LlmClientException(ErrorKind kind, int status, String message, String type, Duration retryAfter, Throwable cause) {
    super(kind, status, message, cause);
    this.type = type == null ? kind.type() : type;
    this.retryAfter = retryAfter;
  }

  /** An HTTP error answer: the kind follows the OpenAI {@code type} when the node sent one, else the status. */
  LlmClientException(int status, String message, String type, Throwable cause) {
    this(kindOf(status, type), status, message, type, null, cause);
  }

  /**
   * A failure raised in this JVM (an in-process gateway's backend or admission) as a node would have
   * answered it: the same kind, status and message (key shapes redacted, as a node's error bodies
   * are), and a 429's Retry-After. An {@code LlmClientException} is returned as it is.
   */
  public static LlmClientException of(Throwable failure) {
    Throwable e = failure;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof LlmClientException c) {
      return c;
    }
    if (e instanceof LlmException l) {
      Duration retryAfter = l instanceof OverloadedException o ? o.retryAfter() : null;
      return new LlmClientException(l.kind(), l.status(), Redactor.SHAPES_ONLY.apply(l.getMessage()), l.kind().type(),
          retryAfter, l);
    }
    if (e instanceof TimeoutException) {
      return new LlmClientException(ErrorKind.UPSTREAM_TIMEOUT, 0, "no answer in time: " + e.getMessage()
          + "; give calls more time with withTimeout(...)", null, null, e);
    }
    if (e instanceof CancellationException) {
      return new LlmClientException(ErrorKind.INTERNAL, 0, "the call was cancelled", null, null, e);
    }
    return new LlmClientException(ErrorKind.INTERNAL, 500, "internal error: " + Redactor.SHAPES_ONLY.apply(
        String.valueOf(e)), null, null, e);
  }

  private static ErrorKind kindOf(int status, String type) {
    ErrorKind byType = type == null ? ErrorKind.INTERNAL : ErrorKind.fromType(type);
    if (byType != ErrorKind.INTERNAL || "server_error".equals(type)) {
      return byType;
    }
    return status == 404 ? ErrorKind.MODEL_NOT_FOUND : ErrorKind.fromStatus(status);
  }

  /** The OpenAI-shaped {@code error.type} the node sent, e.g. {@code model_not_found}. */
  public String type() {
    return type;
  }

  /** For a 429: how long the node asked us to wait ({@code Retry-After}); {@code null} otherwise. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** True when no HTTP answer came: nothing listens at the address, the connection broke, or a timeout. */
  public boolean noAnswer() {
    return status() == 0;
  }

  @Override
  public String toString() {
    return "LlmClientException[status=" + status() + ", type=" + type + "]: " + getMessage();
  }
}
