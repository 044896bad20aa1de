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
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The deployment table and the one place that changes it: a cluster singleton. It places a
 * deployment's workers on nodes by their resources, answers a deploy once every worker is ready
 * (or with the real reason one is not), and swaps a replaced deployment only after its successor
 * is ready, draining the old workers so no request in flight is dropped.
 */
public final class DeploymentController extends AbstractBehavior<DeploymentController.Command> {

  public sealed interface Command extends CborSerializable {}

  public record Deploy(ModelSpec spec, boolean replace, ActorRef<DeployOutcome> replyTo) implements Command {}

  public record DeployOutcome(DeploymentRecord deployment, Failure failure) implements CborSerializable {}

  public record Undeploy(String model, ActorRef<UndeployOutcome> replyTo) implements Command {}

  public record UndeployOutcome(String model, boolean removed) implements CborSerializable {}

  public record GetTable(ActorRef<Table> replyTo) implements Command {}

  /** The deployments and the nodes with what each has in use. */
  public record Table(List<DeploymentRecord> deployments, List<NodeDescription> nodes, Map<String, Resources> used)
      implements CborSerializable {}

  private record AgentsListed(Receptionist.Listing listing) implements Command {}

  private record Described(NodeDescription node) implements Command {}

  private record Started(NodeAgent.WorkersStarted answer) implements Command {}

  private record DeployTimedOut(String model, long generation) implements Command {}

  private record PendingDeploy(DeploymentRecord record, Deploy request, Set<String> awaiting, List<String> failures) {}

  private final TimerScheduler<Command> timers;
  private final Duration deployTimeout;
  private final Map<String, DeploymentRecord> table = new TreeMap<>();
  private final Map<String, NodeDescription> nodes = new LinkedHashMap<>();
  private final Map<String, PendingDeploy> pending = new HashMap<>();
  private final ActorRef<NodeDescription> describedAdapter;
  private final ActorRef<NodeAgent.WorkersStarted> startedAdapter;
  private long lastGeneration;

  public static Behavior<Command> create() {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new DeploymentController(ctx, timers)));
  }

  private DeploymentController(ActorContext<Command> ctx, TimerScheduler<Command> timers) {
    super(ctx);
    this.timers = timers;
    this.deployTimeout = ctx.getSystem().settings().config().getDuration("byzerllm.server.deploy-timeout");
    this.describedAdapter = ctx.messageAdapter(NodeDescription.class, Described::new);
    this.startedAdapter = ctx.messageAdapter(NodeAgent.WorkersStarted.class, Started::new);
    ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class, AgentsListed::new);
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(NodeKeys.AGENTS, listings));
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
        .build();
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
      placements = PlacementPlanner.plan(msg.spec(), capacities(model));
    } catch (LlmException e) {
      return refuse(msg, e);
    }
    lastGeneration = Math.max(lastGeneration + 1, System.currentTimeMillis());
    DeploymentRecord record = new DeploymentRecord(msg.spec(), lastGeneration, DeploymentRecord.State.DEPLOYING,
        Instant.now().getEpochSecond(), placements);
    Map<String, List<WorkerPlacement>> byNode = placements.stream()
        .collect(Collectors.groupingBy(WorkerPlacement::node, LinkedHashMap::new, Collectors.toList()));
    byNode.forEach((node, onNode) -> nodes.get(node).agent()
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

  /** Free room per node; a deployment being replaced counts as free, since its successor takes its place. */
  private List<NodeCapacity> capacities(String replacing) {
    Map<String, Resources> used = usedByNode(replacing);
    return nodes.values().stream()
        .map(n -> new NodeCapacity(n.address(), n.total(), used.getOrDefault(n.address(), Resources.NONE),
            gpuFree(n, replacing)))
        .toList();
  }

  private Map<String, Resources> usedByNode(String except) {
    Map<String, Resources> used = new HashMap<>();
    List<DeploymentRecord> all = new ArrayList<>(table.values());
    pending.values().forEach(p -> all.add(p.record()));
    for (DeploymentRecord d : all) {
      if (d.model().equals(except)) {
        continue;
      }
      for (WorkerPlacement p : d.placements()) {
        used.merge(p.node(), d.spec().perWorker(), Resources::plus);
      }
    }
    return used;
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
          .forEach(p -> p.gpuIndices().forEach(i -> free[i] -= each));
    }
    return java.util.Arrays.stream(free).boxed().toList();
  }

  private Behavior<Command> onStarted(Started msg) {
    NodeAgent.WorkersStarted answer = msg.answer();
    PendingDeploy p = pending.get(answer.model());
    if (p == null || p.record().generation() != answer.generation()) {
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
    DeploymentRecord previous = table.put(model, p.record().ready());
    if (previous != null) {
      stopWorkers(model, previous.generation(), true);
    }
    getContext().getLog().info("deployed {} workers={}", model, p.record().placements().size());
    p.request().replyTo().tell(new DeployOutcome(table.get(model), null));
  }

  private Behavior<Command> onUndeploy(Undeploy msg) {
    DeploymentRecord removed = table.remove(msg.model());
    if (removed != null) {
      stopWorkers(msg.model(), -1, true);
      getContext().getLog().info("undeployed {}", msg.model());
    }
    msg.replyTo().tell(new UndeployOutcome(msg.model(), removed != null));
    return this;
  }

  private void stopWorkers(String model, long generation, boolean drain) {
    nodes.values().forEach(n -> n.agent().tell(new NodeAgent.StopWorkers(model, generation, drain)));
  }

  private Behavior<Command> onGetTable(GetTable msg) {
    msg.replyTo().tell(new Table(List.copyOf(table.values()), List.copyOf(nodes.values()), usedByNode("")));
    return this;
  }

  private Behavior<Command> onAgentsListed(AgentsListed msg) {
    Set<ActorRef<NodeAgent.Command>> agents = msg.listing().getServiceInstances(NodeKeys.AGENTS);
    nodes.values().removeIf(n -> !agents.contains(n.agent()));
    agents.forEach(a -> a.tell(new NodeAgent.Describe(describedAdapter)));
    return this;
  }

  private Behavior<Command> onDescribed(Described msg) {
    nodes.put(msg.node().address(), msg.node());
    return this;
  }
}
