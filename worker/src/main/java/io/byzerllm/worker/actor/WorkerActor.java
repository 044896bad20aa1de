package io.byzerllm.worker.actor;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.Backends;
import io.byzerllm.worker.CborSerializable;
import io.byzerllm.worker.ModelBackend;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * One worker of a deployment: wraps one {@link ModelBackend}, runs at most
 * {@code worker_concurrency} calls at once (a stream holds its slot until it ends), queues a
 * bounded number more, and refuses the rest at once with 429. It never blocks: backend calls are
 * piped back as messages. If it crashes, supervision restarts it and every caller it held gets an
 * error, never silence.
 */
public final class WorkerActor extends AbstractBehavior<WorkerActor.Command> {

  public sealed interface Command extends CborSerializable {}

  /** Do {@code work}; the answer goes to {@code replyTo} as a {@link WorkerReply} with this {@code id}. */
  public record Call(long id, Work work, ActorRef<WorkerReply> replyTo) implements Command {}

  public record GetStatus(ActorRef<WorkerStatus> replyTo) implements Command {}

  /** Stop taking new work, finish what is in flight and queued, then stop. */
  public enum Drain implements Command { INSTANCE }

  private record Opened(ModelBackend backend, Throwable error) implements Command {}

  /** A stream's first event is ready: its ref may go to the caller (sent from a backend thread). */
  private record StreamStarted(long incarnation, long key, Call call, StreamOpened opened) implements Command {}

  private record Finished(long incarnation, long key, Call call, Object value, Throwable error, long startNanos)
      implements Command {}

  private enum ExpireQueued implements Command { INSTANCE }

  private record Queued(Call call, long enqueuedNanos) {}

  private static final Duration EXPIRY_TICK = Duration.ofSeconds(1);

  private final WorkerId id;
  private final BackendContext backendContext;
  private final WorkerSettings settings;
  private final ActorRef<WorkerEvent> lifecycle;
  private final long incarnation = System.nanoTime();
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  // Keyed by this worker's own numbering: call ids are unique per router only, and every node's
  // router sends here.
  private final Map<Long, Call> inFlight = new HashMap<>();
  private final Set<Long> openedStreams = new HashSet<>();
  private long nextKey;
  private final WorkerMetrics metrics = new WorkerMetrics();
  private final StreamRunner streams;
  private ModelBackend backend;
  private String state = "starting";

  public static Behavior<Command> create(WorkerId id, BackendContext context, WorkerSettings settings,
                                         ActorRef<WorkerEvent> lifecycle) {
    Behavior<Command> worker = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(ExpireQueued.INSTANCE, EXPIRY_TICK);
      return new WorkerActor(ctx, id, context, settings, lifecycle);
    }));
    return Behaviors.supervise(worker).onFailure(Exception.class, SupervisorStrategy.restart());
  }

  private WorkerActor(ActorContext<Command> ctx, WorkerId id, BackendContext context, WorkerSettings settings,
                      ActorRef<WorkerEvent> lifecycle) {
    super(ctx);
    this.id = id;
    this.backendContext = context;
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.streams = new StreamRunner(ctx.getSystem(), ctx.getSystem().settings().config()
        .getInt("byzerllm.worker.stream-buffer"));
    Executor blocking = context.blockingExecutor();
    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> Backends.open(context), blocking), Opened::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Opened.class, this::onOpened)
        .onMessage(Call.class, this::onCall)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(StreamStarted.class, this::onStreamStarted)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(ExpireQueued.class, m -> expireQueued())
        .onMessageEquals(Drain.INSTANCE, this::onDrain)
        .onSignal(PreRestart.class, s -> releaseEverything("the worker restarted after an internal error"))
        .onSignal(PostStop.class, s -> releaseEverything("the worker stopped"))
        .build();
  }

  private Behavior<Command> onOpened(Opened msg) {
    if (msg.error() != null) {
      Failure failure = Failure.of(msg.error());
      getContext().getLog().warn("worker {} failed to start: {}", id.actorName(), failure.message());
      state = "failed";
      lifecycle.tell(new WorkerEvent.FailedToStart(id, failure));
      failQueued(failure);
      return Behaviors.stopped();
    }
    backend = msg.backend();
    state = "ready";
    getContext().getSystem().receptionist().tell(Receptionist.register(WorkerKeys.forModel(id.model()), getContext().getSelf()));
    lifecycle.tell(new WorkerEvent.Ready(id, getContext().getSelf()));
    drainQueue();
    return this;
  }

  private Behavior<Command> onCall(Call call) {
    if ("draining".equals(state) || "failed".equals(state)) {
      call.replyTo().tell(WorkerReply.failed(call.id(), Failure.of(ErrorKind.UNAVAILABLE,
          "worker " + id.index() + " of '" + id.model() + "' is " + state + "; retry"), false));
      return this;
    }
    if (backend != null && inFlight.size() < settings.concurrency()) {
      start(call);
    } else if (queue.size() < settings.queueCapacity()) {
      queue.addLast(new Queued(call, System.nanoTime()));
      call.replyTo().tell(WorkerReply.progress(call.id(), WorkerReply.Progress.QUEUED));
    } else {
      metrics.rejected();
      call.replyTo().tell(WorkerReply.failed(call.id(), Failure.overloaded("model '" + id.model()
          + "' is at capacity: " + inFlight.size() + " calls in flight and " + queue.size()
          + " queued on worker " + id.index() + "; retry later or deploy more workers", retryAfter()), false));
    }
    return this;
  }

  private void start(Call call) {
    long key = nextKey++;
    inFlight.put(key, call);
    long startNanos = System.nanoTime();
    CompletionStage<Object> work;
    try {
      work = run(key, call);
    } catch (RuntimeException e) {
      work = CompletableFuture.failedFuture(e);
    }
    getContext().pipeToSelf(work, (value, error) -> new Finished(incarnation, key, call, value, error, startNanos));
  }

  private CompletionStage<Object> run(long key, Call call) {
    Work work = call.work();
    if (!backend.capabilities().contains(work.capability())) {
      return ModelBackend.unsupported(work.capability());
    }
    if (work instanceof Work.Stream s) {
      ActorRef<Command> self = getContext().getSelf();
      return streams.open(backend, s.call(), opened -> self.tell(new StreamStarted(incarnation, key, call, opened)));
    }
    return widen(WorkDispatch.run(backend, work));
  }

  private Behavior<Command> onStreamStarted(StreamStarted msg) {
    // Told before the stream's Finished, so a call still in flight here has had no answer yet.
    if (msg.incarnation() == incarnation && inFlight.containsKey(msg.key())) {
      openedStreams.add(msg.key());
      msg.call().replyTo().tell(WorkerReply.ok(msg.call().id(), msg.opened(), 0));
    }
    return this;
  }

  private Behavior<Command> onFinished(Finished msg) {
    if (msg.incarnation() != incarnation || inFlight.remove(msg.key()) == null) {
      return this;
    }
    long nanos = System.nanoTime() - msg.startNanos();
    metrics.record(nanos, msg.error() != null);
    Call call = msg.call();
    if (!(call.work() instanceof Work.Stream)) {
      call.replyTo().tell(msg.error() == null
          ? WorkerReply.ok(call.id(), msg.value(), nanos)
          : WorkerReply.failed(call.id(), Failure.of(msg.error()), true));
    } else if (!openedStreams.remove(msg.key()) && msg.error() != null) {
      // The stream failed before it opened: the caller is still waiting for its first answer.
      call.replyTo().tell(WorkerReply.failed(call.id(), Failure.of(msg.error()), true));
    }
    drainQueue();
    return stopIfDrained();
  }

  private void drainQueue() {
    while (backend != null && inFlight.size() < settings.concurrency() && !queue.isEmpty()) {
      Queued next = queue.pollFirst();
      if (expired(next)) {
        next.call().replyTo().tell(WorkerReply.failed(next.call().id(), waitedTooLong(), false));
      } else {
        next.call().replyTo().tell(WorkerReply.progress(next.call().id(), WorkerReply.Progress.STARTED));
        start(next.call());
      }
    }
  }

  private Behavior<Command> expireQueued() {
    queue.removeIf(q -> {
      if (expired(q)) {
        q.call().replyTo().tell(WorkerReply.failed(q.call().id(), waitedTooLong(), false));
        return true;
      }
      return false;
    });
    return this;
  }

  private boolean expired(Queued q) {
    return System.nanoTime() - q.enqueuedNanos() > settings.queueTimeout().toNanos();
  }

  private Failure waitedTooLong() {
    return Failure.overloaded("waited " + settings.queueTimeout().toSeconds() + "s in the queue of model '"
        + id.model() + "' worker " + id.index() + " without a free slot; retry later", retryAfter());
  }

  private Duration retryAfter() {
    double perCall = Math.max(metrics.p50Millis(), 1);
    long estimate = (long) (perCall * (queue.size() + 1) / Math.max(1, settings.concurrency()));
    return Duration.ofMillis(Math.max(settings.minRetryAfter().toMillis(), estimate));
  }

  private Behavior<Command> onGetStatus(GetStatus msg) {
    String node = NodeName.of(getContext().getSystem());
    msg.replyTo().tell(new WorkerStatus(id, node, state, inFlight.size(), settings.concurrency(), queue.size(),
        metrics.requests(), metrics.errors(), metrics.p50Millis(), metrics.p99Millis(),
        backend == null ? Map.of() : backend.describe()));
    return this;
  }

  private Behavior<Command> onDrain() {
    if ("ready".equals(state)) {
      // Only a registered worker deregisters: the cluster receptionist stops (and with it every
      // model's routing on this node) when asked to remove a worker it does not hold, as a second
      // Drain or the Drain of a worker still starting would ask.
      getContext().getSystem().receptionist().tell(Receptionist.deregister(WorkerKeys.forModel(id.model()), getContext().getSelf()));
    }
    state = "draining";
    return stopIfDrained();
  }

  private Behavior<Command> stopIfDrained() {
    return "draining".equals(state) && inFlight.isEmpty() && queue.isEmpty() ? Behaviors.stopped() : this;
  }

  private Behavior<Command> releaseEverything(String why) {
    Failure failure = Failure.of(ErrorKind.UNAVAILABLE, "model '" + id.model() + "': " + why + "; retry");
    inFlight.values().forEach(c -> c.replyTo().tell(WorkerReply.failed(c.id(), failure, true)));
    inFlight.clear();
    openedStreams.clear();
    failQueued(failure);
    if (backend != null) {
      backend.close();
      backend = null;
    }
    return this;
  }

  private void failQueued(Failure failure) {
    queue.forEach(q -> q.call().replyTo().tell(WorkerReply.failed(q.call().id(), failure, false)));
    queue.clear();
  }

  @SuppressWarnings("unchecked")
  private static CompletionStage<Object> widen(CompletionStage<?> stage) {
    return (CompletionStage<Object>) stage;
  }
}
