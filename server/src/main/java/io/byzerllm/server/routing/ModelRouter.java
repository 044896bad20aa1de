package io.byzerllm.server.routing;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.server.cluster.DeploymentController;
import io.byzerllm.server.cluster.DeploymentRecord;
import io.byzerllm.worker.actor.Failure;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.actor.WorkerActor;
import io.byzerllm.worker.actor.WorkerKeys;
import io.byzerllm.worker.actor.WorkerReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import io.byzerllm.worker.actor.NodeName;

/**
 * Routes each request for a model to the least-loaded of that model's workers, wherever they run
 * (local first on a tie). It learns the workers from the Receptionist, counts what it has sent to
 * each, tries another worker when one is full, and fails at once the calls of a worker that dies.
 */
public final class ModelRouter extends AbstractBehavior<ModelRouter.Command> {

  public sealed interface Command {}

  /** Route {@code work} to a worker of {@code model}; the answer goes to {@code replyTo}. */
  public record Route(String model, Work work, ActorRef<WorkerReply> replyTo) implements Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private record FromWorker(WorkerReply reply) implements Command {}

  private record TableForMissing(String model, DeploymentController.Table table) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private record Reachability(ClusterEvent.ReachabilityEvent event) implements Command {}

  /** A call sent to a worker; {@code waiting} while the worker says it is queued and not yet started. */
  private record InFlight(Route route, ActorRef<WorkerActor.Command> worker, Set<ActorRef<WorkerActor.Command>> tried,
                          boolean waiting) {
    InFlight waiting(boolean w) {
      return new InFlight(route, worker, tried, w);
    }
  }

  private record Waiting(Route route, long sinceNanos) {}

  private final ActorRef<DeploymentController.Command> controller;
  private final Duration listingGrace;
  private final ActorRef<WorkerReply> replies;
  private final ActorRef<Receptionist.Listing> listings;
  private final Map<String, ModelWorkers> models = new HashMap<>();
  private final Map<Long, InFlight> inFlight = new HashMap<>();
  private final Map<String, List<Waiting>> waiting = new HashMap<>();
  private long nextId;

  public static Behavior<Command> create(ActorRef<DeploymentController.Command> controller, Duration listingGrace) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofMillis(200));
      return new ModelRouter(ctx, controller, listingGrace);
    }));
  }

  private ModelRouter(ActorContext<Command> ctx, ActorRef<DeploymentController.Command> controller, Duration listingGrace) {
    super(ctx);
    this.controller = controller;
    this.listingGrace = listingGrace;
    this.replies = ctx.messageAdapter(WorkerReply.class, FromWorker::new);
    // Pekko keeps one message adapter per message class, so one adapter serves every model's
    // listing and the listing's own key says which model it is about.
    this.listings = ctx.messageAdapter(Receptionist.Listing.class, Listed::new);
    ActorRef<ClusterEvent.ReachabilityEvent> reachability =
        ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new);
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(reachability, ClusterEvent.ReachabilityEvent.class));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Route.class, this::onRoute)
        .onMessage(FromWorker.class, this::onReply)
        .onMessage(Listed.class, this::onListed)
        .onMessage(TableForMissing.class, this::onTableForMissing)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Reachability.class, this::onReachability)
        .onSignal(Terminated.class, this::onTerminated)
        .build();
  }

  private Behavior<Command> onRoute(Route route) {
    ModelWorkers workers = models.get(route.model());
    if (workers == null || workers.isEmpty()) {
      // A model this router has not seen is looked up first, so that unknown names cost no subscription.
      waiting.computeIfAbsent(route.model(), m -> new ArrayList<>()).add(new Waiting(route, System.nanoTime()));
      askTableFor(route.model());
      return this;
    }
    send(route, workers, new HashSet<>());
    return this;
  }

  private void send(Route route, ModelWorkers workers, Set<ActorRef<WorkerActor.Command>> tried) {
    ActorRef<WorkerActor.Command> worker = workers.pick(tried);
    long id = nextId++;
    tried.add(worker);
    workers.sent(worker);
    inFlight.put(id, new InFlight(route, worker, tried, false));
    worker.tell(new WorkerActor.Call(id, route.work(), replies));
  }

  private Behavior<Command> onReply(FromWorker msg) {
    WorkerReply reply = msg.reply();
    if (reply.isProgress()) {
      inFlight.computeIfPresent(reply.id(), (id, c) -> c.waiting(reply.progress() == WorkerReply.Progress.QUEUED));
      return this;
    }
    InFlight call = inFlight.remove(reply.id());
    if (call == null) {
      return this;
    }
    ModelWorkers workers = models.get(call.route().model());
    if (workers != null) {
      workers.done(call.worker());
    }
    if (retriable(reply) && workers != null && workers.hasUntried(call.tried())) {
      send(call.route(), workers, call.tried());
      return this;
    }
    if (retriable(reply) && reply.failure().kind() == ErrorKind.UNAVAILABLE) {
      // The only worker known is leaving (a replace or an undeploy drains it): wait for the listing
      // that brings its successor, or answer 503 after the grace period.
      waiting.computeIfAbsent(call.route().model(), m -> new ArrayList<>()).add(new Waiting(call.route(), System.nanoTime()));
      return this;
    }
    call.route().replyTo().tell(reply);
    return this;
  }

  /** Work that never reached a backend may go elsewhere: a full worker, or one draining away. */
  private static boolean retriable(WorkerReply reply) {
    Failure f = reply.failure();
    return f != null && !reply.reachedBackend()
        && (f.kind() == ErrorKind.OVERLOADED || f.kind() == ErrorKind.UNAVAILABLE);
  }

  private void subscribe(String model) {
    models.put(model, new ModelWorkers(getContext().getSystem().address()));
    getContext().getSystem().receptionist().tell(Receptionist.subscribe(WorkerKeys.forModel(model), listings));
  }

  private Behavior<Command> onListed(Listed msg) {
    String model = models.keySet().stream().filter(m -> msg.listing().isForKey(WorkerKeys.forModel(m)))
        .findFirst().orElse(null);
    if (model == null) {
      return this; // only models this router subscribed to are listed
    }
    ModelWorkers workers = models.get(model);
    Set<ActorRef<WorkerActor.Command>> now = msg.listing().getServiceInstances(WorkerKeys.forModel(model));
    for (ActorRef<WorkerActor.Command> added : workers.update(now)) {
      getContext().watch(added);
    }
    List<Waiting> queued = waiting.remove(model);
    if (queued == null) {
      return this;
    }
    if (workers.isEmpty()) {
      waiting.put(model, queued);
      askTableFor(model);
    } else {
      queued.forEach(w -> send(w.route(), workers, new HashSet<>()));
    }
    return this;
  }

  private void askTableFor(String model) {
    getContext().ask(DeploymentController.Table.class, controller, Duration.ofSeconds(5),
        DeploymentController.GetTable::new,
        (table, error) -> new TableForMissing(model, table));
  }

  /** No live worker: a model that is not deployed is a 404 at once; a deployed one gets a grace period. */
  private Behavior<Command> onTableForMissing(TableForMissing msg) {
    if (msg.table() == null) {
      return this;
    }
    boolean deployed = msg.table().deployments().stream().anyMatch(d -> d.model().equals(msg.model()));
    if (deployed && !models.containsKey(msg.model())) {
      subscribe(msg.model());
    }
    if (!deployed) {
      List<Waiting> queued = waiting.remove(msg.model());
      if (queued != null) {
        String names = msg.table().deployments().stream().map(DeploymentRecord::model).collect(Collectors.joining(", "));
        Failure f = Failure.of(ErrorKind.MODEL_NOT_FOUND, "model '" + msg.model() + "' is not deployed; deployed models: "
            + (names.isEmpty() ? "(none; deploy one with 'llm deploy')" : names));
        queued.forEach(w -> w.route().replyTo().tell(WorkerReply.failed(-1, f, false)));
      }
    }
    return this;
  }

  private Behavior<Command> onTick() {
    List<String> servable = waiting.keySet().stream()
        .filter(m -> models.containsKey(m) && !models.get(m).isEmpty()).toList();
    servable.forEach(m -> waiting.remove(m).forEach(w -> send(w.route(), models.get(m), new HashSet<>())));
    long now = System.nanoTime();
    waiting.forEach((model, queued) -> queued.removeIf(w -> {
      if (now - w.sinceNanos() < listingGrace.toNanos()) {
        return false;
      }
      w.route().replyTo().tell(WorkerReply.failed(-1, Failure.of(ErrorKind.UNAVAILABLE, "model '" + model
          + "' has no live worker right now; check 'llm stat --model " + model + "' and retry"), false));
      return true;
    }));
    waiting.values().removeIf(List::isEmpty);
    waiting.keySet().forEach(this::askTableFor);
    return this;
  }

  private Behavior<Command> onTerminated(Terminated t) {
    @SuppressWarnings("unchecked")
    ActorRef<WorkerActor.Command> dead = (ActorRef<WorkerActor.Command>) (ActorRef<?>) t.getRef();
    models.values().forEach(w -> w.remove(dead));
    failInFlight(w -> w.equals(dead), "the worker serving this request stopped");
    return this;
  }

  /**
   * A node that stops answering heartbeats takes its workers out of routing at once, and the calls
   * it holds fail now with 503 rather than when the node is finally downed; it rejoins routing if
   * it becomes reachable again.
   */
  private Behavior<Command> onReachability(Reachability msg) {
    Address node = msg.event().member().address();
    if (msg.event() instanceof ClusterEvent.UnreachableMember) {
      models.values().forEach(w -> w.suspend(node));
      failInFlight(w -> node.equals(w.path().address()), "the node " + NodeName.of(node) + " running this request's worker became unreachable");
    } else {
      models.values().forEach(w -> w.resume(node));
    }
    return this;
  }

  /**
   * Calls held by a lost worker: those still waiting in its queue never reached a provider and go
   * to another worker; the rest fail now with 503.
   */
  private void failInFlight(java.util.function.Predicate<ActorRef<WorkerActor.Command>> lost, String why) {
    List<InFlight> resend = new ArrayList<>();
    inFlight.entrySet().removeIf(e -> {
      InFlight call = e.getValue();
      if (!lost.test(call.worker())) {
        return false;
      }
      ModelWorkers workers = models.get(call.route().model());
      if (workers != null) {
        workers.done(call.worker());
      }
      if (call.waiting() && workers != null && workers.hasUntried(call.tried())) {
        resend.add(call);
      } else {
        call.route().replyTo().tell(WorkerReply.failed(e.getKey(), Failure.of(ErrorKind.UNAVAILABLE, why + "; retry"), true));
      }
      return true;
    });
    resend.forEach(call -> send(call.route(), models.get(call.route().model()), call.tried()));
  }
}
