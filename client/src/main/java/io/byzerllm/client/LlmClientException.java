package io.byzerllm.client;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.time.Duration;

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
