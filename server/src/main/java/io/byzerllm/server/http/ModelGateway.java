package io.byzerllm.server.http;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.server.routing.RequestRouter;
import io.byzerllm.worker.actor.StreamEvent;
import io.byzerllm.worker.actor.Work;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Source;

/** The edge's one way into the cluster: route a model's work to a worker and time it. */
public final class ModelGateway {
  private final RequestRouter router;

  public ModelGateway(RequestRouter router) {
    this.router = router;
  }

  /** An answer and the time its backend took; {@code startNanos} is when the edge got the request. */
  public record Answer<T>(T value, long backendNanos, long startNanos) {
    /** Adds {@code x-llm-overhead-ms}: the time spent in the cluster outside the backend call. */
    public HttpResponse timed(HttpResponse response) {
      long overheadMicros = Math.max(0, System.nanoTime() - startNanos - backendNanos) / 1000;
      return response.addHeader(RawHeader.create("x-llm-overhead-ms", millis(overheadMicros)));
    }
  }

  /** {@code micros} as milliseconds with three decimals, without a formatter per request. */
  static String millis(long micros) {
    long frac = micros % 1000;
    return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
  }

  /**
   * Does {@code work} on a worker of {@code model}. Cancelling the returned future (the caller went
   * away) withdraws or cancels the call.
   */
  public <T> CompletableFuture<Answer<T>> call(String model, Work work, Class<T> type, long startNanos) {
    CompletableFuture<RequestRouter.Reply> reply = router.call(model, work);
    CompletableFuture<Answer<T>> answer = reply.thenApply(r -> {
      if (!type.isInstance(r.value())) {
        throw new LlmException(ErrorKind.INTERNAL, "a worker answered " + r.value() + " where "
            + type.getSimpleName() + " was expected");
      }
      return new Answer<>(type.cast(r.value()), r.backendNanos(), startNanos);
    });
    cancelTogether(answer, reply);
    return answer;
  }

  /** Whether a plain OpenAI-shaped chat for {@code model} may go to its provider as bytes. */
  public boolean forwardsChat(String model) {
    return router.forwardsChat(model);
  }

  /** Streams a chat; the answer completes once the first event is ready. */
  public CompletableFuture<Answer<Source<StreamEvent, NotUsed>>> stream(String model, Work.Stream work, long startNanos) {
    CompletableFuture<RequestRouter.Reply> reply = router.call(model, work);
    CompletableFuture<Answer<Source<StreamEvent, NotUsed>>> answer =
        reply.thenApply(r -> new Answer<>(r.events(), 0, startNanos));
    cancelTogether(answer, reply);
    return answer;
  }

  private static void cancelTogether(CompletableFuture<?> outer, CompletableFuture<?> inner) {
    outer.whenComplete((v, e) -> {
      if (outer.isCancelled()) {
        inner.cancel(true);
      }
    });
  }

  /**
   * The HTTP answer to a call: {@code ok} of its answer, or its error in OpenAI's shape. Cancelling
   * the response (the caller went away) cancels the call.
   */
  public static <A> CompletableFuture<HttpResponse> respond(CompletableFuture<A> call, Function<A, HttpResponse> ok) {
    CompletableFuture<HttpResponse> response = call.thenApply(ok).exceptionally(ApiErrors::response);
    cancelTogether(response, call);
    return response;
  }
}
