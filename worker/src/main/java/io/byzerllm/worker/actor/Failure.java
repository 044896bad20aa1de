package io.byzerllm.worker.actor;

import io.byzerllm.deploy.CoolingDownException;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.OverloadedException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A failure carried as a value across actors and nodes (exceptions do not serialize well), and
 * turned back into the same {@link LlmException} at the edge.
 */
public record Failure(ErrorKind kind, int status, String message, long retryAfterMillis) {

  public static Failure of(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof NotStartedException n) {
      e = n.reason();
    }
    if (e instanceof OverloadedException o) {
      return new Failure(o.kind(), o.status(), o.getMessage(), o.retryAfter().toMillis());
    }
    if (e instanceof CoolingDownException c) {
      return new Failure(c.kind(), c.status(), c.getMessage(), Math.max(1, c.retryAfter().toMillis()));
    }
    if (e instanceof LlmException l) {
      return new Failure(l.kind(), l.status(), l.getMessage(), 0);
    }
    if (e instanceof IllegalArgumentException) {
      return new Failure(ErrorKind.INVALID_REQUEST, 400, e.getMessage(), 0);
    }
    return new Failure(ErrorKind.INTERNAL, 500, "internal error: " + e, 0);
  }

  public static Failure overloaded(String message, Duration retryAfter) {
    return new Failure(ErrorKind.OVERLOADED, ErrorKind.OVERLOADED.status(), message, retryAfter.toMillis());
  }

  public static Failure of(ErrorKind kind, String message) {
    return new Failure(kind, kind.status(), message, 0);
  }

  public LlmException toException() {
    if (kind == ErrorKind.OVERLOADED) {
      return new OverloadedException(status, message, Duration.ofMillis(Math.max(1000, retryAfterMillis)), null);
    }
    if (kind == ErrorKind.UNAVAILABLE && retryAfterMillis > 0) {
      return new CoolingDownException(message, Duration.ofMillis(retryAfterMillis));
    }
    return new LlmException(kind, status, message, null);
  }

  public static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
