package io.byzerllm.worker.actor;

import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.Backends;
import io.byzerllm.worker.CborSerializable;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.cache.CachedEmbeddings;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.StreamRefs;

/**
 * One worker of a deployment: owns the life of one {@link LocalWorker} (open the backend, publish
 * the worker to this node's request path and to the cluster's Receptionist, drain, close). It is
 * not on the local request path: calls from this node go to the {@link LocalWorker} directly;
 * calls from other nodes arrive here as {@link Call} messages and are answered from the backend's
 * threads, a stream as a {@link StreamOpened} ref. Opening and closing the backend (native models)
 * run on the blocking executor, never on the actor's thread.
 */
public final class WorkerActor extends AbstractBehavior<WorkerActor.Command> {

  public sealed interface Command extends CborSerializable {}

  /** Do {@code work} for a caller on another node; the answer goes to {@code replyTo} with this {@code id}. */
  public record Call(long id, Work work, ActorRef<WorkerReply> replyTo) implements Command {}

  public record GetStatus(ActorRef<WorkerStatus> replyTo) implements Command {}

  /** Stop taking new work, finish what is in flight and queued, then stop. */
  public enum Drain implements Command { INSTANCE }

  private record Opened(ModelBackend backend, Throwable error) implements Command {}

  private enum Drained implements Command { INSTANCE }

  private enum Idle implements Command { INSTANCE }

  private enum ExpireQueued implements Command { INSTANCE }

  private static final Duration EXPIRY_TICK = Duration.ofSeconds(1);

  private final WorkerId id;
  private final BackendContext backendContext;
  private final WorkerSettings settings;
  private final ActorRef<WorkerEvent> lifecycle;
  private final LocalWorkers localWorkers;
  private final Materializer materializer;
  private final BackendGate gate;
  private LocalWorker worker;
  private boolean draining;
  private long drainStartNanos;
  private boolean registered;

  public static Behavior<Command> create(WorkerId id, BackendContext context, WorkerSettings settings,
                                         ActorRef<WorkerEvent> lifecycle, LocalWorkers localWorkers, BackendGate gate) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(ExpireQueued.INSTANCE, EXPIRY_TICK);
      return new WorkerActor(ctx, id, context, settings, lifecycle, localWorkers, gate);
    }));
  }

  private WorkerActor(ActorContext<Command> ctx, WorkerId id, BackendContext context, WorkerSettings settings,
                      ActorRef<WorkerEvent> lifecycle, LocalWorkers localWorkers, BackendGate gate) {
    super(ctx);
    this.gate = gate;
    this.id = id;
    this.backendContext = context;
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.localWorkers = localWorkers;
    this.materializer = Materializer.matFromSystem(ctx.getSystem());
    Executor blocking = context.blockingExecutor();
    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> gate.open(() -> Backends.open(context)), blocking), Opened::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Opened.class, this::onOpened)
        .onMessage(Call.class, this::onCall)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessageEquals(ExpireQueued.INSTANCE, this::onExpireQueued)
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onMessageEquals(Idle.INSTANCE, this::onIdle)
        .onMessageEquals(Drained.INSTANCE, () -> Behaviors.stopped())
        .onSignal(PostStop.class, s -> onStopped())
        .build();
  }

  private Behavior<Command> onOpened(Opened msg) {
    if (msg.error() != null) {
      Failure failure = Failure.of(msg.error());
      getContext().getLog().warn("worker {} failed to start: {}", id.actorName(), failure.message());
      lifecycle.tell(new WorkerEvent.FailedToStart(id, failure));
      return Behaviors.stopped();
    }
    if (draining) {
      // Told to go while it was loading: release the model without ever serving.
      gate.closing(msg.backend());
      closeOffThread(msg.backend()::close);
      return Behaviors.stopped();
    }
    int buffer = getContext().getSystem().settings().config().getInt("byzerllm.worker.stream-buffer");
    ModelBackend backend = msg.backend();
    if (settings.embeddingCacheSize() > 0) {
      backend = new CachedEmbeddings(backend,
          localWorkers.embeddingCache(id, settings.embeddingCacheSize(), backendContext.meters()));
    }
    worker = new LocalWorker(id, backend, settings, new StreamRunner(buffer), System::nanoTime, backendContext.meters(),
        backendContext.spec().fallbacks());
    localWorkers.add(worker);
    getContext().getSystem().receptionist().tell(Receptionist.register(WorkerKeys.forModel(id.model()), getContext().getSelf()));
    registered = true;
    lifecycle.tell(new WorkerEvent.Ready(id, getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onCall(Call call) {
    if (worker == null) {
      call.replyTo().tell(WorkerReply.failed(call.id(), Failure.of(io.byzerllm.deploy.ErrorKind.UNAVAILABLE,
          "worker " + id.index() + " of '" + id.model() + "' is " + (draining ? "draining" : "starting") + "; retry"), false));
      return this;
    }
    RemoteAnswer.answer(worker, call.id(), call.work(), call.replyTo()::tell,
        s -> new StreamOpened(s.events().runWith(StreamRefs.sourceRef(), materializer)));
    return this;
  }

  private Behavior<Command> onExpireQueued() {
    if (worker != null) {
      worker.expireQueued();
    }
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus msg) {
    String node = NodeName.of(getContext().getSystem());
    msg.replyTo().tell(worker != null ? worker.status(node)
        : new WorkerStatus(id, node, draining ? "draining" : "starting", 0, settings.concurrency(), 0, 0, 0, 0, 0, null, null));
    return this;
  }

  private Behavior<Command> onDrain() {
    if (draining) {
      return this;
    }
    draining = true;
    unpublish();
    if (worker == null) {
      return this; // still loading: onOpened releases the model and stops
    }
    drainStartNanos = System.nanoTime();
    getContext().pipeToSelf(worker.drain(), (done, error) -> Idle.INSTANCE);
    return this;
  }

  /**
   * Idle, but other nodes may still route here until the deregistration reaches them: answer what
   * comes meanwhile with an explicit refusal (the caller tries another worker) rather than stop and
   * leave it unanswered, which a caller can only count as a failure.
   */
  private Behavior<Command> onIdle() {
    Duration linger = getContext().getSystem().settings().config().getDuration("byzerllm.worker.drain-linger");
    Duration left = linger.minusNanos(System.nanoTime() - drainStartNanos);
    if (left.isNegative() || left.isZero()) {
      return Behaviors.stopped();
    }
    getContext().scheduleOnce(left, getContext().getSelf(), Drained.INSTANCE);
    return this;
  }

  /**
   * Only a registered worker deregisters: the cluster receptionist stops (and with it every model's
   * routing on this node) when asked to remove a worker it does not hold.
   */
  private void unpublish() {
    if (worker != null) {
      localWorkers.remove(worker);
    }
    if (registered) {
      getContext().getSystem().receptionist().tell(Receptionist.deregister(WorkerKeys.forModel(id.model()), getContext().getSelf()));
      registered = false;
    }
  }

  private Behavior<Command> onStopped() {
    if (worker != null) {
      localWorkers.remove(worker);
      LocalWorker closing = worker;
      worker = null;
      gate.closing(closing.backend());
      closeOffThread(() -> closing.close("the worker stopped"));
    }
    return this;
  }

  /** Native models are released on the blocking executor: a dispatcher thread never waits on them. */
  private void closeOffThread(Runnable close) {
    try {
      backendContext.blockingExecutor().execute(close);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      close.run(); // the node is terminating and its executors are gone
    }
  }
}
