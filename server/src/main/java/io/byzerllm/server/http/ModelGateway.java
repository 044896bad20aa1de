package io.byzerllm.server.http;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.server.routing.ModelRouter;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.actor.WorkerReply;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** The edge's one way into the cluster: ask the node's router for a model's work and time it. */
public final class ModelGateway {
  private final ActorRef<ModelRouter.Command> router;
  private final Scheduler scheduler;
  private final Duration askTimeout;

  public ModelGateway(ActorRef<ModelRouter.Command> router, Scheduler scheduler, Duration askTimeout) {
    this.router = router;
    this.scheduler = scheduler;
    this.askTimeout = askTimeout;
  }

  /** An answer and the time its backend took; {@code startNanos} is when the edge got the request. */
  public record Answer<T>(T value, long backendNanos, long startNanos) {
    /** Adds {@code x-llm-overhead-ms}: the time spent in the cluster outside the backend call. */
    public HttpResponse timed(HttpResponse response) {
      double overheadMs = Math.max(0, System.nanoTime() - startNanos - backendNanos) / 1e6;
      return response.addHeader(RawHeader.create("x-llm-overhead-ms", String.format(Locale.ROOT, "%.3f", overheadMs)));
    }
  }

  public <T> CompletionStage<Answer<T>> call(String model, Work work, Class<T> type, long startNanos) {
    CompletionStage<WorkerReply> reply = AskPattern.ask(router,
        replyTo -> new ModelRouter.Route(model, work, replyTo), askTimeout, scheduler);
    return reply.thenApply(r -> {
      if (r.failure() != null) {
        throw r.failure().toException();
      }
      if (!type.isInstance(r.value())) {
        throw new LlmException(ErrorKind.INTERNAL, "a worker answered " + r.value() + " where "
            + type.getSimpleName() + " was expected");
      }
      return new Answer<>(type.cast(r.value()), r.backendNanos(), startNanos);
    });
  }
}
