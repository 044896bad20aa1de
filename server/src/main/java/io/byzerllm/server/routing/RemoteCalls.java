package io.byzerllm.server.routing;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.server.link.LinkCall;
import io.byzerllm.server.link.LinkConnection;
import io.byzerllm.server.link.LinkListener;
import io.byzerllm.server.link.NodeLinks;
import io.byzerllm.worker.actor.Failure;
import io.byzerllm.worker.actor.LocalWorker;
import io.byzerllm.worker.actor.StreamEvent;
import io.byzerllm.worker.actor.NodeName;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.actor.WorkerActor;
import io.byzerllm.worker.actor.WorkerReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import scala.concurrent.ExecutionContext;

/**
 * Calls to workers on other nodes, sent straight to the worker (never through another actor of this
 * node): over the worker's node's link ({@link NodeLinks}: plain TCP, no actor on either end, a
 * stream's events on the same connection) where there is one with a free connection, else as a
 * message to the worker actor, whose replies come back to one small receiver (a stream as a stream
 * ref). Each call has a deadline. A call whose worker or node is lost ends at once: one still queued
 * there is marked as not started (the caller may send it elsewhere), the rest fail with 503.
 */
public final class RemoteCalls implements LinkListener {
  private static final class Pending {
    final ActorRef<WorkerActor.Command> worker;
    final Work work;
    final CompletableFuture<WorkerReply> reply;
    final AtomicBoolean queued = new AtomicBoolean();
    volatile Cancellable timer;
    volatile LinkConnection link;

    Pending(ActorRef<WorkerActor.Command> worker, Work work, CompletableFuture<WorkerReply> reply) {
      this.worker = worker;
      this.work = work;
      this.reply = reply;
    }
  }

  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Scheduler scheduler;
  private final ExecutionContext timerContext;
  private final NodeLinks links;
  private final Materializer materializer;
  private final Counter overLink;
  private final Counter asMessages;
  private volatile ActorRef<WorkerReply> replies;

  /**
   * {@code links}: this node's links to the others, or null to call every remote worker through
   * messages; {@code registry}: where to count calls by the way they went (null: not counted).
   */
  public RemoteCalls(Scheduler scheduler, ExecutionContext timerContext, NodeLinks links, MeterRegistry registry,
                     Materializer materializer) {
    this.materializer = materializer;
    this.scheduler = scheduler;
    this.timerContext = timerContext;
    this.links = links;
    MeterRegistry r = registry == null ? new SimpleMeterRegistry() : registry;
    this.overLink = calls(r, "link");
    this.asMessages = calls(r, "messages");
  }

  private static Counter calls(MeterRegistry registry, String path) {
    return Counter.builder("llm.remote.calls").description("calls to workers on other nodes, by the way they went")
        .tag("path", path).register(registry);
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
    Pending p = new Pending(worker, work, reply);
    pending.put(id, p);
    p.timer = scheduler.scheduleOnce(deadline, () -> end(id, WorkerReply.failed(id,
        Failure.of(ErrorKind.UPSTREAM_TIMEOUT, "the worker on " + NodeName.of(worker.path().address())
            + " did not answer within " + deadline.toSeconds() + "s"), true), false), timerContext);
    reply.whenComplete((r, e) -> {
      if (reply.isCancelled()) {
        end(id, null, false);
      }
    });
    LinkConnection link = links == null ? null : links.acquire(worker.path().address());
    if (link != null) {
      overLink.increment();
      p.link = link;
      link.send(new LinkCall(id, worker.path().name(), work), this);
    } else {
      asMessages.increment();
      worker.tell(new WorkerActor.Call(id, work, replies));
    }
    return reply;
  }

  @Override
  public void progress(WorkerReply news) {
    onReply(news);
  }

  @Override
  public void replied(WorkerReply reply) {
    end(reply.id(), reply, true);
  }

  /** The stream's events come over the link: the call is answered, the connection stays with the stream. */
  @Override
  public void opened(WorkerReply reply, Source<StreamEvent, NotUsed> events) {
    Pending p = pending.get(reply.id());
    if (p != null) {
      p.link = null;
    }
    WorkerReply answer = WorkerReply.ok(reply.id(), new LocalWorker.LocalStream(events), 0, reply.queueNanos());
    if (p == null || !end(reply.id(), answer, false)) {
      events.runWith(Sink.cancelled(), materializer); // nobody waits for it any more: stop it there
    }
  }

  /** A call that never left this node whole goes as a message instead; one the other node may have ends with 503. */
  @Override
  public void broken(long id, boolean sent, String why) {
    Pending p = pending.get(id);
    if (p == null) {
      return;
    }
    if (!sent) {
      p.link = null;
      asMessages.increment();
      p.worker.tell(new WorkerActor.Call(id, p.work, replies));
      return;
    }
    end(id, WorkerReply.failed(id, Failure.of(ErrorKind.UNAVAILABLE, "the link to " + NodeName.of(p.worker.path().address())
        + " broke while it ran this request: " + why + "; retry"), !p.queued.get()), false);
  }

  private void onReply(WorkerReply reply) {
    if (reply.isProgress()) {
      Pending p = pending.get(reply.id());
      if (p != null) {
        p.queued.set(reply.progress() == WorkerReply.Progress.QUEUED);
      }
      return;
    }
    end(reply.id(), reply, false);
  }

  /**
   * {@code linkDone}: the reply came over the call's link, which is free for the next call; else a
   * link is closed. False when the call had already ended.
   */
  private boolean end(long id, WorkerReply reply, boolean linkDone) {
    Pending p = pending.remove(id);
    if (p == null) {
      return false;
    }
    Cancellable timer = p.timer;
    if (timer != null) {
      timer.cancel();
    }
    LinkConnection link = p.link;
    if (link != null) {
      if (linkDone) {
        link.release();
      } else {
        link.abandon();
      }
    }
    if (reply != null) {
      return p.reply.complete(reply);
    }
    return true;
  }

  void workerLost(ActorRef<WorkerActor.Command> worker) {
    lose(p -> p.worker.equals(worker), "the worker serving this request stopped");
  }

  void nodeLost(Address node) {
    lose(p -> node.equals(p.worker.path().address()),
        "the node " + NodeName.of(node) + " running this request's worker became unreachable");
    if (links != null) {
      links.nodeLost(node); // streams over its link end too
    }
  }

  /** {@code node} left the cluster: its link is looked up again should it come back. */
  void nodeRemoved(Address node) {
    if (links != null) {
      links.forget(node);
    }
  }

  private void lose(Predicate<Pending> lost, String why) {
    pending.forEach((id, p) -> {
      if (lost.test(p)) {
        end(id, WorkerReply.failed(id, Failure.of(ErrorKind.UNAVAILABLE, why + "; retry"), !p.queued.get()), false);
      }
    });
  }
}
