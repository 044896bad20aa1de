package io.byzerllm.server.http;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.server.routing.RequestRouter;
import io.byzerllm.worker.actor.StreamEvent;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.actor.Failure;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

  /**
   * An answer of {@code model}, the time its backend took and the time it waited in its worker's
   * queue first; {@code startNanos} is when the edge got the request; {@code streamEnd}: a stream's last
   * event (null for other answers).
   */
  public record Answer<T>(String model, T value, long backendNanos, long queueNanos, long startNanos,
                          CompletionStage<StreamEvent> streamEnd) {
    /**
     * Adds {@code x-llm-overhead-ms}, the time spent in the cluster outside the backend call, and
     * the {@link CallOutcome} the node's request accounting reads.
     */
    public HttpResponse timed(HttpResponse response) {
      long overheadMicros = Math.max(0, System.nanoTime() - startNanos - backendNanos) / 1000;
      return response.addHeader(RawHeader.create("x-llm-overhead-ms", millis(overheadMicros)))
          .addAttribute(CallOutcome.KEY, new CallOutcome(model, value, backendNanos, queueNanos, null, streamEnd));
    }
  }

  /** A call's future that knows its model, so that a failed call's answer still names it. */
  private static final class ModelCall<A> extends CompletableFuture<A> {
    final String model;

    ModelCall(String model) {
      this.model = model;
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
    ModelCall<Answer<T>> answer = new ModelCall<>(model);
    reply.whenComplete((r, error) -> {
      if (error != null) {
        answer.completeExceptionally(error);
      } else if (!type.isInstance(r.value())) {
        answer.completeExceptionally(new LlmException(ErrorKind.INTERNAL, "a worker answered " + r.value() + " where "
            + type.getSimpleName() + " was expected"));
      } else {
        answer.complete(new Answer<>(model, type.cast(r.value()), r.backendNanos(), r.queueNanos(), startNanos, null));
      }
    });
    cancelTogether(answer, reply);
    return answer;
  }

  /** Whether a plain OpenAI-shaped chat for {@code model} may go to its provider as bytes. */
  public boolean forwardsChat(String model) {
    return router.forwardsChat(model);
  }

  /** Streams a chat ({@link Work.Stream} or {@link Work.ForwardStream}); the answer completes once the first event is ready. */
  public CompletableFuture<Answer<Source<StreamEvent, NotUsed>>> stream(String model, Work work, long startNanos) {
    CompletableFuture<RequestRouter.Reply> reply = router.call(model, work);
    ModelCall<Answer<Source<StreamEvent, NotUsed>>> answer = new ModelCall<>(model);
    reply.whenComplete((r, error) -> {
      if (error != null) {
        answer.completeExceptionally(error);
        return;
      }
      CompletableFuture<StreamEvent> end = new CompletableFuture<>();
      Source<StreamEvent, NotUsed> events = r.events().map(e -> {
        if (e.done() != null || e.failure() != null) {
          end.complete(e);
        }
        return e;
      }).watchTermination((nu, done) -> {
        done.whenComplete((d, e) -> end.complete(null)); // cut short: no last event
        return nu;
      });
      answer.complete(new Answer<>(model, events, 0, r.queueNanos(), startNanos, end));
    });
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
    String model = call instanceof ModelCall<?> m ? m.model : null;
    CompletableFuture<HttpResponse> response = call.thenApply(ok).exceptionally(e -> {
      HttpResponse error = ApiErrors.response(e);
      return model == null ? error : error.addAttribute(CallOutcome.KEY, CallOutcome.failed(model,
          Failure.unwrap(e) instanceof LlmException l ? l.kind() : ErrorKind.INTERNAL));
    });
    cancelTogether(response, call);
    return response;
  }
}
