package io.byzerllm.worker.actor;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How a worker answers a caller on another node, whichever way the call came (a {@link WorkerActor.Call}
 * message or a node link): news of the queue as progress replies, then one final reply, a failure
 * saying whether the backend saw the call.
 */
public final class RemoteAnswer {
  private RemoteAnswer() {}

  /**
   * Runs {@code work} on {@code worker} and sends its replies to {@code replyTo} (from whichever thread
   * has them); {@code openStream} turns a stream's local events into the value a remote caller gets.
   * Cancelling the returned future withdraws or cancels the call (its caller went away).
   */
  public static CompletableFuture<LocalWorker.Result> answer(LocalWorker worker, long id, Work work,
                                                             Consumer<WorkerReply> replyTo,
                                                             Function<LocalWorker.LocalStream, Object> openStream) {
    CompletableFuture<LocalWorker.Result> call = worker.call(work, new LocalWorker.Progress() {
      @Override
      public void queued() {
        replyTo.accept(WorkerReply.progress(id, WorkerReply.Progress.QUEUED));
      }

      @Override
      public void started() {
        replyTo.accept(WorkerReply.progress(id, WorkerReply.Progress.STARTED));
      }
    });
    call.whenComplete((result, error) -> {
      if (error != null) {
        boolean notStarted = Failure.unwrap(error) instanceof NotStartedException;
        replyTo.accept(WorkerReply.failed(id, Failure.of(error), !notStarted));
      } else if (result.value() instanceof LocalWorker.LocalStream s) {
        replyTo.accept(WorkerReply.ok(id, openStream.apply(s), 0, result.queueNanos()));
      } else {
        replyTo.accept(WorkerReply.ok(id, result.value(), result.backendNanos(), result.queueNanos()));
      }
    });
    return call;
  }
}
