package io.byzerllm.server.cluster;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.NodeCapacity;
import io.byzerllm.deploy.PlacementPlanner;
import io.byzerllm.deploy.Resources;
import io.byzerllm.deploy.WorkerPlacement;
import io.byzerllm.worker.CborSerializable;
import io.byzerllm.worker.actor.Failure;
import io.byzerllm.worker.actor.WorkerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * The deployment table and the one place that changes it: a cluster singleton. The table lives in
 * Distributed Data with durable storage, so it survives the loss of any node and the restart of
 * the whole cluster. The controller places a deployment's workers by resources, answers a deploy
 * once every worker is ready (or with the real reason one is not), and swaps a replaced deployment
 * only after its successor is ready. A reconcile loop compares the table with the workers the
 * nodes report and starts what is missing (a lost node's workers, a restarted cluster's
 * deployments) and drains what no deployment wants any more.
 */
public final class DeploymentController extends AbstractBehavior<DeploymentController.Command> {

  public sealed interface Command extends CborSerializable {}

  public record Deploy(ModelSpec spec, boolean replace, ActorRef<DeployOutcome> replyTo) implements Command {}

  public record DeployOutcome(DeploymentRecord deployment, Failure failure) implements CborSerializable {}

  public record Undeploy(String model, ActorRef<UndeployOutcome> replyTo) implements Command {}

  public record UndeployOutcome(String model, boolean removed) implements CborSerializable {}

  public record GetTable(ActorRef<Table> replyTo) implements Command {}

  /** The deployments, the nodes, what each node has in use, and workers wanted but not running. */
  public record Table(List<DeploymentRecord> deployments, List<NodeDescription> nodes, Map<String, Resources> used,
                      Map<String, Integer> missingWorkers) implements CborSerializable {}

  private record AgentsListed(Receptionist.Listing listing) implements Command {}

  private record Described(NodeDescription node) implements Command {}

  private record Started(NodeAgent.WorkersStarted answer) implements Command {}

  private record Reported(NodeAgent.WorkerRefs refs) implements Command {}

  private record DeployTimedOut(String model, long generation) implements Command {}

  private record TableLoaded(Replicator.GetResponse<LWWMap<String, DeploymentRecord>> response) implements Command {}

  private record TableChanged(Replicator.SubscribeResponse<LWWMap<String, DeploymentRecord>> response) implements Command {}

  private record TableWritten(Replicator.UpdateResponse<LWWMap<String, DeploymentRecord>> response, String model,
                              long sequence) implements Command {}

  /** A write of one model's entry (null: removed) that the replicator had not answered yet. */
  private record UnansweredWrite(long sequence, DeploymentRecord record) {}

  /** A reconcile tick; the timer sends it every reconcile-interval (and a test may send one). */
  enum Reconcile implements Command { INSTANCE }

  private record PendingDeploy(DeploymentRecord record, Deploy request, Set<String> awaiting, List<String> failures) {}

  private final TimerScheduler<Command> timers;
  private final Duration deployTimeout;
  private final Duration startGrace;
  private final Duration settle;
  private final long startedNanos = System.nanoTime();
  private final ReplicatorMessageAdapter<Command, LWWMap<String, DeploymentRecord>> replicator;
  private final SelfUniqueAddress self;
  private final Map<String, DeploymentRecord> table = new TreeMap<>();
  /**
   * The replicator notifies subscribers on a tick, so a notification sent just before it applied
   * our latest write arrives after that write and would undo it for up to a tick; until the
   * replicator answers a write, the write wins over what a notification says.
   */
  private final Map<String, UnansweredWrite> unanswered = new HashMap<>();
  private long writes;
  private final ClusterState cluster = new ClusterState();
  private final Map<String, PendingDeploy> pending = new HashMap<>();
  private final ActorRef<NodeDescription> describedAdapter;
  private final ActorRef<NodeAgent.WorkersStarted> startedAdapter;
  private final ActorRef<NodeAgent.WorkerRefs> reportedAdapter;
  private long lastGeneration;

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(10_000, stash ->
        DistributedData.withReplicatorMessageAdapter(
            (ReplicatorMessageAdapter<Command, LWWMap<String, DeploymentRecord>> replicator) ->
                loading(ctx, timers, stash, replicator)))));
  }

  /** Until the table is read back (from this node's durable copy or its peers) every command waits. */
  private static Behavior<Command> loading(ActorContext<Command> ctx, TimerScheduler<Command> timers,
                                           StashBuffer<Command> stash,
                                           ReplicatorMessageAdapter<Command, LWWMap<String, DeploymentRecord>> replicator) {
    replicator.askGet(replyTo -> new Replicator.Get<>(DeploymentTable.KEY, Replicator.readLocal(), replyTo),
        TableLoaded::new);
    return Behaviors.receive(Command.class)
        .onMessage(TableLoaded.class, loaded -> {
          DeploymentController controller = new DeploymentController(ctx, timers, replicator);
          controller.load(loaded.response());
          return stash.unstashAll(controller);
        })
        .onAnyMessage(m -> {
          stash.stash(m);
          return Behaviors.same();
        })
        .build();
  }

  private DeploymentController(ActorContext<Command> ctx, TimerScheduler<Command> timers,
                               ReplicatorMessageAdapter<Command, LWWMap<String, DeploymentRecord>> replicator) {
    super(ctx);
    this.timers = timers;
    this.replicator = replicator;
    this.self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    var config = ctx.getSystem().settings().config();
    this.deployTimeout = config.getDuration("byzerllm.server.deploy-timeout");
    this.startGrace = config.getDuration("byzerllm.server.worker-start-grace");
    this.settle = config.getDuration("byzerllm.server.reconcile-settle");
    this.describedAdapter = ctx.messageAdapter(NodeDescription.class, Described::new);
    this.startedAdapter = ctx.messageAdapter(NodeAgent.WorkersStarted.class, Started::new);
    this.reportedAdapter = ctx.messageAdapter(NodeAgent.WorkerRefs.class, Reported::new);
    ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class, AgentsListed::new);
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(NodeKeys.AGENTS, listings));
    replicator.subscribe(DeploymentTable.KEY, TableChanged::new);
    timers.startTimerWithFixedDelay(Reconcile.INSTANCE, config.getDuration("byzerllm.server.reconcile-interval"));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deploy.class, this::onDeploy)
        .onMessage(Started.class, this::onStarted)
        .onMessage(DeployTimedOut.class, this::onTimedOut)
        .onMessage(Undeploy.class, this::onUndeploy)
        .onMessage(GetTable.class, this::onGetTable)
        .onMessage(AgentsListed.class, this::onAgentsListed)
        .onMessage(Described.class, this::onDescribed)
        .onMessage(Reported.class, this::onReported)
        .onMessageEquals(Reconcile.INSTANCE, this::onReconcile)
        .onMessage(TableChanged.class, m -> {
          if (m.response() instanceof Replicator.Changed<LWWMap<String, DeploymentRecord>> c) {
            replaceTable(c.get(DeploymentTable.KEY));
          }
          return this;
        })
        .onMessage(TableWritten.class, this::onTableWritten)
        .onMessage(TableLoaded.class, m -> this)
        .build();
  }

  private void load(Replicator.GetResponse<LWWMap<String, DeploymentRecord>> response) {
    if (response instanceof Replicator.GetSuccess<LWWMap<String, DeploymentRecord>> ok) {
      replaceTable(ok.get(DeploymentTable.KEY));
      getContext().getLog().info("deployment table loaded: {}", table.keySet());
    }
  }

  private void replaceTable(LWWMap<String, DeploymentRecord> map) {
    table.clear();
    table.putAll(map.getEntries());
    unanswered.forEach((model, w) -> {
      if (w.record() == null) {
        table.remove(model);
      } else {
        table.put(model, w.record());
      }
    });
    table.values().forEach(d -> lastGeneration = Math.max(lastGeneration, d.generation()));
  }

  private void write(String model, DeploymentRecord record) {
    if (record == null) {
      table.remove(model);
    } else {
      table.put(model, record);
    }
    long sequence = ++writes;
    unanswered.put(model, new UnansweredWrite(sequence, record));
    replicator.askUpdate(replyTo -> new Replicator.Update<>(DeploymentTable.KEY, LWWMap.empty(),
            new Replicator.WriteMajority(Duration.ofSeconds(3)), replyTo,
            map -> record == null ? map.remove(self, model) : map.put(self, model, record)),
        response -> new TableWritten(response, model, sequence));
  }

  private Behavior<Command> onTableWritten(TableWritten msg) {
    UnansweredWrite latest = unanswered.get(msg.model());
    if (latest != null && latest.sequence() == msg.sequence()) {
      unanswered.remove(msg.model());
    }
    if (!(msg.response() instanceof Replicator.UpdateSuccess)) {
      // Written locally (and to disk) all the same; peers converge by gossip.
      getContext().getLog().warn("deployment table reached fewer than a majority of nodes: {}", msg.response());
    }
    return this;
  }

  private Behavior<Command> onDeploy(Deploy msg) {
    String model = msg.spec().model();
    if (pending.containsKey(model)) {
      return refuse(msg, new LlmException(ErrorKind.CONFLICT, "a deploy of '" + model
          + "' is already in progress; wait for it to finish, then deploy again with --replace"));
    }
    if (table.containsKey(model) && !msg.replace()) {
      return refuse(msg, new LlmException(ErrorKind.CONFLICT, "model '" + model
          + "' is already deployed; deploy again with --replace to swap it, or run 'llm undeploy --model " + model + "' first"));
    }
    List<WorkerPlacement> placements;
    try {
      placements = PlacementPlanner.plan(msg.spec(), capacities(model, msg.spec()));
    } catch (LlmException e) {
      return refuse(msg, e);
    }
    lastGeneration = Math.max(lastGeneration + 1, System.currentTimeMillis());
    DeploymentRecord record = new DeploymentRecord(msg.spec(), lastGeneration, DeploymentRecord.State.DEPLOYING,
        Instant.now().getEpochSecond(), placements);
    Map<String, List<WorkerPlacement>> byNode = placements.stream()
        .collect(Collectors.groupingBy(WorkerPlacement::node, LinkedHashMap::new, Collectors.toList()));
    byNode.forEach((node, onNode) -> cluster.nodes.get(node).agent()
        .tell(new NodeAgent.StartWorkers(msg.spec(), record.generation(), onNode, startedAdapter)));
    pending.put(model, new PendingDeploy(record, msg, new HashSet<>(byNode.keySet()), new ArrayList<>()));
    timers.startSingleTimer(model, new DeployTimedOut(model, record.generation()), deployTimeout);
    getContext().getLog().info("deploying {}", msg.spec().redacted());
    return this;
  }

  private Behavior<Command> refuse(Deploy msg, LlmException e) {
    msg.replyTo().tell(new DeployOutcome(null, Failure.of(e)));
    return this;
  }

  /**
   * Free room per node that takes workers (not leaving, not draining); a deployment being replaced
   * counts as free, since its successor takes its place.
   */
  private List<NodeCapacity> capacities(String replacing, ModelSpec incoming) {
    Map<String, Resources> used = usedByNode(replacing);
    return cluster.placeable(leavingMembers()).stream()
        .map(n -> new NodeCapacity(n.address(), n.total(), used.getOrDefault(n.address(), Resources.NONE),
            gpuFree(n, replacing)))
        .toList();
  }

  /** Members on their way out (leaving, exiting, down), by node name; read from this node's view of the cluster. */
  private Set<String> leavingMembers() {
    Set<String> leaving = new HashSet<>();
    for (org.apache.pekko.cluster.Member m : org.apache.pekko.cluster.typed.Cluster.get(getContext().getSystem())
        .state().getMembers()) {
      if (!ClusterState.takesWorkers(m.status())) {
        leaving.add(io.byzerllm.worker.actor.NodeName.of(m.address()));
      }
    }
    return leaving;
  }

  private Map<String, Resources> usedByNode(String except) {
    Map<String, Resources> perWorker = new HashMap<>();
    table.values().forEach(d -> perWorker.put(d.model(), d.spec().perWorker()));
    pending.values().forEach(p -> perWorker.put(p.record().model(), p.record().spec().perWorker()));
    Map<WorkerId, WorkerPlacement> planned = new HashMap<>();
    pending.values().forEach(p -> p.record().placements().forEach(wp ->
        planned.put(new WorkerId(p.record().model(), p.record().generation(), wp.index()), wp)));
    if (!except.isEmpty()) {
      perWorker.remove(except);
    }
    return cluster.used(perWorker, planned);
  }

  private List<Long> gpuFree(NodeDescription node, String except) {
    long[] free = new long[(int) (node.total().gpuMillis() / 1000)];
    java.util.Arrays.fill(free, 1000);
    for (DeploymentRecord d : table.values()) {
      if (d.model().equals(except)) {
        continue;
      }
      long each = d.spec().perWorker().gpuMillis() >= 1000 ? 1000 : d.spec().perWorker().gpuMillis();
      d.placements().stream().filter(p -> p.node().equals(node.address()))
          .forEach(p -> p.gpuIndices().forEach(i -> free[i] = Math.max(0, free[i] - each)));
    }
    return java.util.Arrays.stream(free).boxed().toList();
  }

  private Behavior<Command> onStarted(Started msg) {
    NodeAgent.WorkersStarted answer = msg.answer();
    PendingDeploy p = pending.get(answer.model());
    if (p == null || p.record().generation() != answer.generation()) {
      if (!answer.failures().isEmpty()) {
        getContext().getLog().warn("re-placing workers of {} failed: {}", answer.model(), answer.failures());
        cluster.startFailed(answer.node(), answer.model(), answer.generation());
      }
      return this;
    }
    p.failures().addAll(answer.failures());
    p.awaiting().remove(answer.node());
    if (p.awaiting().isEmpty()) {
      finish(p);
    }
    return this;
  }

  private Behavior<Command> onTimedOut(DeployTimedOut msg) {
    PendingDeploy p = pending.get(msg.model());
    if (p != null && p.record().generation() == msg.generation()) {
      p.failures().add("workers on " + p.awaiting() + " were not ready within " + deployTimeout.toSeconds()
          + "s (byzerllm.server.deploy-timeout)");
      finish(p);
    }
    return this;
  }

  private void finish(PendingDeploy p) {
    String model = p.record().model();
    pending.remove(model);
    timers.cancel(model);
    if (!p.failures().isEmpty()) {
      stopWorkers(model, p.record().generation(), false);
      String reason = String.join("; ", p.failures());
      getContext().getLog().warn("deploy of {} failed: {}", model, reason);
      p.request().replyTo().tell(new DeployOutcome(null, Failure.of(ErrorKind.INVALID_REQUEST,
          "deploy of '" + model + "' failed: " + reason)));
      return;
    }
    DeploymentRecord previous = table.get(model);
    // Its workers run now, whether or not their nodes have reported them yet.
    p.record().placements().forEach(wp -> cluster.starting.put(new WorkerId(model, p.record().generation(), wp.index()),
        new ClusterState.Starting(wp.node(), p.record().spec().perWorker(), System.nanoTime())));
    write(model, p.record().ready());
    if (previous != null) {
      stopWorkers(model, previous.generation(), true);
    }
    getContext().getLog().info("deployed {} workers={}", model, p.record().placements().size());
    p.request().replyTo().tell(new DeployOutcome(table.get(model), null));
  }

  private Behavior<Command> onUndeploy(Undeploy msg) {
    boolean removed = table.containsKey(msg.model());
    if (removed) {
      write(msg.model(), null);
      stopWorkers(msg.model(), -1, true);
      getContext().getLog().info("undeployed {}", msg.model());
    }
    msg.replyTo().tell(new UndeployOutcome(msg.model(), removed));
    return this;
  }

  private void stopWorkers(String model, long generation, boolean drain) {
    cluster.nodes.values().forEach(n -> n.agent().tell(new NodeAgent.StopWorkers(model, generation, drain)));
  }

  private Behavior<Command> onGetTable(GetTable msg) {
    msg.replyTo().tell(new Table(List.copyOf(table.values()), List.copyOf(cluster.nodes.values()), usedByNode(""),
        missingWorkers()));
    return this;
  }

  private Behavior<Command> onAgentsListed(AgentsListed msg) {
    Set<ActorRef<NodeAgent.Command>> agents = msg.listing().getServiceInstances(NodeKeys.AGENTS);
    List<String> gone = cluster.nodes.values().stream().filter(n -> !agents.contains(n.agent()))
        .map(NodeDescription::address).toList();
    gone.forEach(node -> {
      getContext().getLog().info("node {} left; its workers will be placed again where resources allow", node);
      cluster.removeNode(node);
    });
    agents.forEach(a -> a.tell(new NodeAgent.Describe(describedAdapter)));
    return this;
  }

  private Behavior<Command> onDescribed(Described msg) {
    cluster.nodes.put(msg.node().address(), msg.node());
    msg.node().agent().tell(new NodeAgent.ListWorkers(reportedAdapter));
    return this;
  }

  private Behavior<Command> onReported(Reported msg) {
    cluster.reported(msg.refs());
    return this;
  }

  /** Asks every node what it runs, then starts what the table wants and nobody runs, and drains the rest. */
  private Behavior<Command> onReconcile() {
    cluster.nodes.values().forEach(n -> n.agent().tell(new NodeAgent.ListWorkers(reportedAdapter)));
    // Act only on a full picture: every node has reported, and nodes coming back had time to rejoin.
    if (!cluster.allReported() || System.nanoTime() - startedNanos < settle.toNanos()) {
      return this;
    }
    long now = System.nanoTime();
    cluster.starting.values().removeIf(s -> now - s.sinceNanos() > startGrace.toNanos() + deployTimeout.toNanos());
    for (DeploymentRecord d : table.values()) {
      if (!pending.containsKey(d.model())) {
        startMissing(d);
      }
    }
    drainUnwanted();
    return this;
  }

  private void startMissing(DeploymentRecord d) {
    for (int index = 0; index < d.spec().numWorkers(); index++) {
      WorkerId id = new WorkerId(d.model(), d.generation(), index);
      if (cluster.isRunning(id) || cluster.starting.containsKey(id)) {
        continue;
      }
      List<WorkerPlacement> one;
      try {
        one = PlacementPlanner.plan(d.spec().withWorkers(1, d.spec().workerConcurrency()), capacities("", d.spec()));
      } catch (LlmException e) {
        return; // no room now: the worker shows as missing in stat until a node joins
      }
      WorkerPlacement at = new WorkerPlacement(index, one.get(0).node(), one.get(0).gpuIndices());
      cluster.starting.put(id, new ClusterState.Starting(at.node(), d.spec().perWorker(), System.nanoTime()));
      cluster.nodes.get(at.node()).agent()
          .tell(new NodeAgent.StartWorkers(d.spec(), d.generation(), List.of(at), startedAdapter));
      getContext().getLog().info("placing worker {} of {} on {}", index, d.model(), at.node());
    }
  }

  private void drainUnwanted() {
    cluster.running.forEach((node, workers) -> workers.forEach(w -> {
      WorkerId id = w.id();
      DeploymentRecord d = table.get(id.model());
      PendingDeploy p = pending.get(id.model());
      // While a replace is pending, the table still holds the old generation: it serves until the new one is ready.
      boolean wanted = d != null && d.generation() == id.generation() && id.index() < d.spec().numWorkers()
          || p != null && p.record().generation() == id.generation();
      if (!wanted) {
        cluster.nodes.get(node).agent().tell(new NodeAgent.StopWorkers(id.model(), id.generation(), true));
      }
    }));
  }

  private Map<String, Integer> missingWorkers() {
    Map<String, Integer> missing = new TreeMap<>();
    for (DeploymentRecord d : table.values()) {
      int n = 0;
      for (int i = 0; i < d.spec().numWorkers(); i++) {
        WorkerId id = new WorkerId(d.model(), d.generation(), i);
        if (!cluster.isRunning(id) && !cluster.starting.containsKey(id)) {
          n++;
        }
      }
      if (n > 0 && !pending.containsKey(d.model())) {
        missing.put(d.model(), n);
      }
    }
    return missing;
  }
}
