package io.byzerllm.server.routing;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.worker.actor.Failure;
import io.byzerllm.worker.actor.NodeName;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.actor.WorkerActor;
import io.byzerllm.worker.actor.WorkerReply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import scala.concurrent.ExecutionContext;

/**
 * Calls to workers on other nodes, sent straight to the worker (never through another actor of this
 * node). Each call has a deadline; its replies come back to one small receiver that completes the
 * call's future. A call whose worker or node is lost ends at once: one still queued there is marked
 * as not started (the caller may send it elsewhere), the rest fail with 503.
 */
public final class RemoteCalls {
  private record Pending(ActorRef<WorkerActor.Command> worker, CompletableFuture<WorkerReply> reply, Cancellable timer,
                         AtomicBoolean queued) {}

  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Scheduler scheduler;
  private final ExecutionContext timerContext;
  private volatile ActorRef<WorkerReply> replies;

  public RemoteCalls(Scheduler scheduler, ExecutionContext timerContext) {
    this.scheduler = scheduler;
    this.timerContext = timerContext;
  }

  /** The receiver of every remote worker's replies to this node; spawn it once and hand its ref to {@link #receiveAt}. */
  public Behavior<WorkerReply> receiver() {
    return Behaviors.receive(WorkerReply.class).onMessage(WorkerReply.class, r -> {
      onReply(r);
      return Behaviors.same();
    }).build();
  }

  public void receiveAt(ActorRef<WorkerReply> replies) {
    this.replies = replies;
  }

  /**
   * Sends {@code work}; the future completes with the worker's final reply, or a failure reply at the
   * deadline. Cancelling it stops waiting (the caller went away; the worker still finishes the call).
   */
  CompletableFuture<WorkerReply> send(ActorRef<WorkerActor.Command> worker, Work work, Duration deadline) {
    long id = ids.incrementAndGet();
    CompletableFuture<WorkerReply> reply = new CompletableFuture<>();
    Cancellable timer = scheduler.scheduleOnce(deadline, () -> end(id, WorkerReply.failed(id,
        Failure.of(ErrorKind.UPSTREAM_TIMEOUT, "the worker on " + NodeName.of(worker.path().address())
            + " did not answer within " + deadline.toSeconds() + "s"), true)), timerContext);
    pending.put(id, new Pending(worker, reply, timer, new AtomicBoolean()));
    reply.whenComplete((r, e) -> {
      if (reply.isCancelled()) {
        end(id, null);
      }
    });
    worker.tell(new WorkerActor.Call(id, work, replies));
    return reply;
  }

  private void onReply(WorkerReply reply) {
    if (reply.isProgress()) {
      Pending p = pending.get(reply.id());
      if (p != null) {
        p.queued().set(reply.progress() == WorkerReply.Progress.QUEUED);
      }
      return;
    }
    end(reply.id(), reply);
  }

  private void end(long id, WorkerReply reply) {
    Pending p = pending.remove(id);
    if (p != null) {
      p.timer().cancel();
      if (reply != null) {
        p.reply().complete(reply);
      }
    }
  }

  void workerLost(ActorRef<WorkerActor.Command> worker) {
    lose(p -> p.worker().equals(worker), "the worker serving this request stopped");
  }

  void nodeLost(Address node) {
    lose(p -> node.equals(p.worker().path().address()),
        "the node " + NodeName.of(node) + " running this request's worker became unreachable");
  }

  private void lose(Predicate<Pending> lost, String why) {
    pending.forEach((id, p) -> {
      if (lost.test(p)) {
        end(id, WorkerReply.failed(id, Failure.of(ErrorKind.UNAVAILABLE, why + "; retry"), !p.queued().get()));
      }
    });
  }
}
