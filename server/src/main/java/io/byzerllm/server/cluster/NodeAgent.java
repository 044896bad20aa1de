package io.byzerllm.server.cluster;

import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.Resources;
import io.byzerllm.deploy.WorkerPlacement;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.CborSerializable;
import io.byzerllm.worker.actor.BackendGate;
import io.byzerllm.worker.actor.Failure;
import io.byzerllm.worker.actor.NodeName;
import io.byzerllm.worker.actor.LocalWorkers;
import io.byzerllm.worker.actor.WorkerActor;
import io.byzerllm.worker.actor.WorkerEvent;
import io.byzerllm.worker.actor.WorkerId;
import io.byzerllm.worker.actor.WorkerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The part of a node that runs workers: it starts the workers the controller placed here, answers
 * once they are all ready (or with the reason one failed), and stops them on request.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {

  public sealed interface Command extends CborSerializable {}

  public record StartWorkers(ModelSpec spec, long generation, List<WorkerPlacement> placements,
                             ActorRef<WorkersStarted> replyTo) implements Command {}

  /** The answer to {@link StartWorkers}: empty {@code failures} means every worker is ready. */
  public record WorkersStarted(String model, long generation, String node, List<String> failures)
      implements CborSerializable {}

  /** Stops the model's workers of one generation, or of all when {@code generation} is negative. */
  public record StopWorkers(String model, long generation, boolean drain) implements Command {}

  public record Describe(ActorRef<NodeDescription> replyTo) implements Command {}

  public record ListWorkers(ActorRef<WorkerRefs> replyTo) implements Command {}

  /** Drains every worker of this node (the node is leaving); answers once all have stopped. */
  public record DrainAll(ActorRef<Drained> replyTo) implements Command {}

  public enum Drained { INSTANCE }

  /** Asks whether every worker placed here is ready (for {@code /health/ready}). */
  public record CheckReady(ActorRef<Readiness> replyTo) implements Command {}

  /** {@code starting}: workers placed here that are not ready yet; {@code draining}: the node is leaving. */
  public record Readiness(boolean draining, List<String> starting, int workers) implements CborSerializable {}

  /**
   * The workers this node runs (starting ones included), each with its identity; {@code draining}:
   * the node is stopping and takes no new workers. A worker a drain removed is only ever missing
   * from a report that also says {@code draining}, so the controller never re-places it here.
   */
  public record WorkerRefs(String node, List<RunningWorker> workers, boolean draining) implements CborSerializable {}

  public record RunningWorker(WorkerId id, ActorRef<WorkerActor.Command> ref) implements CborSerializable {}

  private record Lifecycle(WorkerEvent event) implements Command {}

  private record PendingStart(StartWorkers request, Set<WorkerId> waiting, List<String> failures) {}

  private final String httpUrl;
  private final Resources total;
  private final Path home;
  private final LocalWorkers localWorkers;
  private final BackendGate gate;
  private final MeterRegistry meters;
  private final Executor blocking;
  private final ActorRef<WorkerEvent> lifecycleAdapter;
  private final Map<WorkerId, ActorRef<WorkerActor.Command>> workers = new HashMap<>();
  /** The CPUs each running worker claims (--cpus_per_worker): what a local engine must leave free. */
  private final Map<WorkerId, Double> cpusClaimed = new HashMap<>();
  private final Map<WorkerId, PendingStart> pending = new HashMap<>();
  private final List<ActorRef<Drained>> awaitingDrain = new ArrayList<>();
  /** Set by {@link DrainAll}: the node is leaving, and refuses every worker it is asked to start from then on. */
  private boolean draining;

  public static Behavior<Command> create(String httpUrl, Resources total, Path home, LocalWorkers localWorkers,
                                        BackendGate gate) {
    return create(httpUrl, total, home, localWorkers, gate, null);
  }

  /** {@code meters}: the node's registry, where its workers and backends publish their meters (null: nowhere). */
  public static Behavior<Command> create(String httpUrl, Resources total, Path home, LocalWorkers localWorkers,
                                        BackendGate gate, MeterRegistry meters) {
    return Behaviors.setup(ctx -> new NodeAgent(ctx, httpUrl, total, home, localWorkers, gate, meters));
  }

  private NodeAgent(ActorContext<Command> ctx, String httpUrl, Resources total, Path home, LocalWorkers localWorkers,
                    BackendGate gate, MeterRegistry meters) {
    super(ctx);
    this.meters = meters;
    this.gate = gate;
    this.localWorkers = localWorkers;
    this.httpUrl = httpUrl;
    this.total = total;
    this.home = home;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("byzerllm.blocking-dispatcher"));
    this.lifecycleAdapter = ctx.messageAdapter(WorkerEvent.class, Lifecycle::new);
    ctx.getSystem().receptionist().tell(Receptionist.register(NodeKeys.AGENTS, ctx.getSelf()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StartWorkers.class, this::onStart)
        .onMessage(Lifecycle.class, this::onLifecycle)
        .onMessage(StopWorkers.class, this::onStop)
        .onMessage(Describe.class, this::onDescribe)
        .onMessage(ListWorkers.class, this::onListWorkers)
        .onMessage(DrainAll.class, this::onDrainAll)
        .onMessage(CheckReady.class, this::onCheckReady)
        .onSignal(Terminated.class, this::onTerminated)
        .build();
  }

  private Behavior<Command> onStart(StartWorkers msg) {
    ModelSpec spec = msg.spec();
    if (draining) {
      getContext().getLog().info("refusing {} workers of {}: this node is leaving", msg.placements().size(), spec.model());
      msg.replyTo().tell(new WorkersStarted(spec.model(), msg.generation(), node(), List.of("node " + node()
          + " is leaving the cluster and takes no new workers; they are placed on the other nodes")));
      return this;
    }
    WorkerSettings settings;
    try {
      settings = WorkerSettings.of(spec, getContext().getSystem().settings().config());
    } catch (RuntimeException e) {
      msg.replyTo().tell(new WorkersStarted(spec.model(), msg.generation(), node(), List.of(e.getMessage())));
      return this;
    }
    Set<WorkerId> waiting = new HashSet<>();
    double freeCpus = total.cpus() - cpusClaimed.values().stream().mapToDouble(Double::doubleValue).sum();
    for (WorkerPlacement p : msg.placements()) {
      WorkerId id = new WorkerId(spec.model(), msg.generation(), p.index());
      if (workers.containsKey(id)) {
        continue;
      }
      int threads = spec.engineThreads(freeCpus, msg.placements().size());
      cpusClaimed.put(id, spec.cpusPerWorker());
      BackendContext context = new BackendContext(spec, p.index(), home, threads, p.gpuIndices(), blocking, meters);
      ActorRef<WorkerActor.Command> ref = getContext().spawn(
          WorkerActor.create(id, context, settings, lifecycleAdapter, localWorkers, gate), id.actorName());
      getContext().watch(ref);
      workers.put(id, ref);
      waiting.add(id);
    }
    if (waiting.isEmpty()) {
      msg.replyTo().tell(new WorkersStarted(spec.model(), msg.generation(), node(), List.of()));
      return this;
    }
    PendingStart start = new PendingStart(msg, waiting, new ArrayList<>());
    waiting.forEach(id -> pending.put(id, start));
    getContext().getLog().info("starting {} workers of {} (generation {})", waiting.size(), spec.model(), msg.generation());
    return this;
  }

  private Behavior<Command> onLifecycle(Lifecycle msg) {
    WorkerId id = msg.event().id();
    PendingStart p = pending.remove(id);
    if (p == null || !p.waiting().remove(id)) {
      return this;
    }
    if (msg.event() instanceof WorkerEvent.FailedToStart f) {
      p.failures().add("worker " + id.index() + " on " + node() + ": " + f.failure().message());
    }
    if (p.waiting().isEmpty()) {
      p.request().replyTo().tell(new WorkersStarted(id.model(), id.generation(), node(), List.copyOf(p.failures())));
    }
    return this;
  }

  private Behavior<Command> onStop(StopWorkers msg) {
    workers.forEach((id, ref) -> {
      if (id.model().equals(msg.model()) && (msg.generation() < 0 || id.generation() == msg.generation())) {
        if (msg.drain()) {
          ref.tell(WorkerActor.Drain.INSTANCE);
        } else {
          getContext().stop(ref);
        }
      }
    });
    return this;
  }

  private Behavior<Command> onDrainAll(DrainAll msg) {
    getContext().getLog().info("draining {} workers before leaving", workers.size());
    draining = true;
    workers.values().forEach(w -> w.tell(WorkerActor.Drain.INSTANCE));
    awaitingDrain.add(msg.replyTo());
    answerDrainedIfIdle();
    return this;
  }

  private void answerDrainedIfIdle() {
    if (workers.isEmpty()) {
      awaitingDrain.forEach(r -> r.tell(Drained.INSTANCE));
      awaitingDrain.clear();
    }
  }

  private Behavior<Command> onTerminated(Terminated t) {
    onWorkerGone(t);
    answerDrainedIfIdle();
    return this;
  }

  private void onWorkerGone(Terminated t) {
    workers.entrySet().removeIf(e -> {
      if (!e.getValue().equals(t.getRef())) {
        return false;
      }
      cpusClaimed.remove(e.getKey());
      // A worker that stops before it said ready counts as failed, so a deploy never waits forever.
      getContext().getSelf().tell(new Lifecycle(new WorkerEvent.FailedToStart(e.getKey(),
          Failure.of(io.byzerllm.deploy.ErrorKind.INTERNAL, "the worker stopped while starting"))));
      return true;
    });
  }

  private Behavior<Command> onDescribe(Describe msg) {
    msg.replyTo().tell(new NodeDescription(node(), httpUrl, total, getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onCheckReady(CheckReady msg) {
    List<String> starting = pending.keySet().stream().map(id -> id.model() + "/" + id.index()).sorted().toList();
    msg.replyTo().tell(new Readiness(draining, starting, workers.size()));
    return this;
  }

  private Behavior<Command> onListWorkers(ListWorkers msg) {
    List<RunningWorker> running = new ArrayList<>();
    workers.forEach((id, ref) -> running.add(new RunningWorker(id, ref)));
    msg.replyTo().tell(new WorkerRefs(node(), running, draining));
    return this;
  }

  private String node() {
    return NodeName.of(getContext().getSystem());
  }
}
