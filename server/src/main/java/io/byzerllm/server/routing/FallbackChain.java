package io.byzerllm.server.routing;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.actor.Failure;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A call to a model with fallbacks: the model first, then each fallback in order, moving on only
 * when the call failed before its answer began (an upstream error, no live worker, a worker
 * cooling down, or every worker full) — a failure of the caller's own making (a bad request) goes
 * back as it is. Each model is tried once (a fallback's own fallbacks are not followed), so a call
 * makes at most {@code 1 + fallbacks} attempts, each bounded by its own routing. When all fail the
 * caller gets the model's own failure. Cancelling the result cancels the attempt in flight.
 */
final class FallbackChain<R> {
  private final List<String> models;
  private final Function<String, CompletableFuture<R>> attempt;
  private final Predicate<String> usable;
  private final CompletableFuture<R> result = new CompletableFuture<>();
  private volatile CompletableFuture<R> current;
  private volatile Throwable first;

  /**
   * {@code models}: the model and its fallbacks in order; {@code attempt}: calls one model;
   * {@code usable}: whether a fallback can take this call at all.
   */
  FallbackChain(List<String> models, Function<String, CompletableFuture<R>> attempt, Predicate<String> usable) {
    this.models = List.copyOf(models);
    this.attempt = attempt;
    this.usable = usable;
    result.whenComplete((v, e) -> {
      CompletableFuture<R> c = current;
      if (result.isCancelled() && c != null) {
        c.cancel(true);
      }
    });
  }

  CompletableFuture<R> start() {
    next(0);
    return result;
  }

  private void next(int index) {
    int i = index;
    while (i > 0 && i < models.size() && !usable.test(models.get(i))) {
      i++;
    }
    if (i >= models.size()) {
      result.completeExceptionally(first);
      return;
    }
    int at = i;
    CompletableFuture<R> call = attempt.apply(models.get(at));
    current = call;
    if (result.isCancelled()) {
      call.cancel(true);
      return;
    }
    call.whenComplete((value, error) -> {
      if (error == null) {
        result.complete(value);
        return;
      }
      Throwable cause = Failure.unwrap(error);
      if (at == 0) {
        first = cause;
      }
      if (result.isDone() || !(at == 0 ? fallsBack(cause) : fallsBackFromFallback(cause))) {
        result.completeExceptionally(at == 0 ? cause : first);
        return;
      }
      next(at + 1);
    });
  }

  /** Whether the model's failure lets a fallback take the call: it failed before answering, not for the caller's fault. */
  static boolean fallsBack(Throwable error) {
    if (!(error instanceof LlmException l)) {
      return false;
    }
    return switch (l.kind()) {
      case UPSTREAM, UNAVAILABLE, UPSTREAM_TIMEOUT, OVERLOADED -> true;
      default -> false;
    };
  }

  /** A fallback that is itself failing or not deployed passes the call on to the next one. */
  private static boolean fallsBackFromFallback(Throwable error) {
    return fallsBack(error) || error instanceof LlmException l && l.kind() == ErrorKind.MODEL_NOT_FOUND;
  }
}
