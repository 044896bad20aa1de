package io.byzerllm.deploy;

/**
 * The one unchecked root of every error this system reports. The message says what is wrong and
 * how to fix it; {@link #kind()} decides the HTTP status and the OpenAI error type.
 */
public class LlmException extends RuntimeException {
  private final ErrorKind kind;
  private final int status;

  public LlmException(ErrorKind kind, String message) {
    this(kind, kind.status(), message, null);
  }

  public LlmException(ErrorKind kind, String message, Throwable cause) {
    this(kind, kind.status(), message, cause);
  }

  /**
   * An error that keeps a status of its own, e.g. an upstream provider's 401 passed through as
   * 401 rather than folded into 502.
   */
  public LlmException(ErrorKind kind, int status, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
  }

  public ErrorKind kind() {
    return kind;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }

  public boolean retriable() {
    return kind.retriable();
  }
}
