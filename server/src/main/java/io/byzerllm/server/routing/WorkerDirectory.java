package io.byzerllm.server.routing;

import io.byzerllm.server.cluster.DeploymentController;
import io.byzerllm.server.cluster.DeploymentRecord;
import io.byzerllm.server.cluster.DeploymentTable;
import io.byzerllm.worker.actor.WorkerActor;
import io.byzerllm.worker.actor.WorkerKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Learns what the node's request path needs to know about the cluster and publishes it as an
 * immutable {@link RoutingTable}: the deployed models (from the replicated deployment table), the
 * workers of each on other nodes (from the Receptionist), minus those on unreachable or leaving nodes. It is
 * off the request path: requests read the published table. Calls held by a worker or node that is
 * lost end at once through {@link RemoteCalls}. Supervised: a crash restarts it and it learns
 * everything again, while requests keep using the last table.
 */
public final class WorkerDirectory extends AbstractBehavior<WorkerDirectory.Command> {

  public sealed interface Command {}

  private record TableRead(Replicator.GetResponse<LWWMap<String, DeploymentRecord>> response) implements Command {}

  private record TableChanged(Replicator.SubscribeResponse<LWWMap<String, DeploymentRecord>> response) implements Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private record Reachability(ClusterEvent.ReachabilityEvent event) implements Command {}

  private record Membership(ClusterEvent.MemberEvent event) implements Command {}

  private enum Refresh implements Command { INSTANCE }

  private record Refreshed(DeploymentController.Table table) implements Command {}

  /** What sets a remote call's deadline, and how the deployment table is read again for unknown names. */
  public record Settings(Duration queueTimeout, Duration deadlineSlack, Duration refreshTimeout, Duration refreshInterval) {}

  private final Routing routing;
  private final RemoteCalls remoteCalls;
  private final ActorRef<DeploymentController.Command> controller;
  private final Settings settings;
  private final Address self;
  private final ActorRef<Receptionist.Listing> listings;
  private final Map<String, Duration> deadlines = new HashMap<>();
  private final Set<String> openAiCompatible = new HashSet<>();
  private final Map<String, List<String>> fallbacks = new HashMap<>();
  private final Set<String> subscribed = new HashSet<>();
  private final Map<String, Map<ActorRef<WorkerActor.Command>, RemoteWorker>> remote = new HashMap<>();
  private final Set<Address> unreachable = new HashSet<>();
  private final Set<Address> leaving = new HashSet<>();
  private boolean loaded;
  private long refreshes;
  private long lastRefreshNanos = System.nanoTime() - Duration.ofDays(1).toNanos();

  public static Behavior<Command> create(Routing routing, RemoteCalls remoteCalls,
                                         ActorRef<DeploymentController.Command> controller, Settings settings) {
    Behavior<Command> directory = Behaviors.setup(ctx -> DistributedData.withReplicatorMessageAdapter(
        (ReplicatorMessageAdapter<Command, LWWMap<String, DeploymentRecord>> replicator) ->
            new WorkerDirectory(ctx, replicator, routing, remoteCalls, controller, settings)));
    return Behaviors.supervise(directory).onFailure(Exception.class, SupervisorStrategy.restart());
  }

  private WorkerDirectory(ActorContext<Command> ctx,
                          ReplicatorMessageAdapter<Command, LWWMap<String, DeploymentRecord>> replicator,
                          Routing routing, RemoteCalls remoteCalls, ActorRef<DeploymentController.Command> controller,
                          Settings settings) {
    super(ctx);
    this.routing = routing;
    this.remoteCalls = remoteCalls;
    this.controller = controller;
    this.settings = settings;
    this.self = ctx.getSystem().address();
    // Pekko keeps one message adapter per message class: one adapter serves every model's listing.
    this.listings = ctx.messageAdapter(Receptionist.Listing.class, Listed::new);
    replicator.askGet(replyTo -> new Replicator.Get<>(DeploymentTable.KEY, Replicator.readLocal(), replyTo), TableRead::new);
    replicator.subscribe(DeploymentTable.KEY, TableChanged::new);
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new), ClusterEvent.ReachabilityEvent.class));
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberEvent.class, Membership::new), ClusterEvent.MemberEvent.class));
    ActorRef<Command> me = ctx.getSelf();
    routing.refresher(() -> me.tell(Refresh.INSTANCE));
    routing.refreshDone(); // a refresh under way when this actor restarted is lost with it
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(TableRead.class, this::onTableRead)
        .onMessage(TableChanged.class, this::onTableChanged)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Reachability.class, this::onReachability)
        .onMessage(Membership.class, this::onMembership)
        .onMessageEquals(Refresh.INSTANCE, this::onRefresh)
        .onMessage(Refreshed.class, this::onRefreshed)
        .onSignal(Terminated.class, this::onTerminated)
        .build();
  }

  private Behavior<Command> onTableRead(TableRead msg) {
    if (msg.response() instanceof Replicator.GetSuccess<LWWMap<String, DeploymentRecord>> ok) {
      deployed(ok.get(DeploymentTable.KEY).getEntries().values());
    } else if (msg.response() instanceof Replicator.NotFound<?>) {
      deployed(List.of());
    }
    return this;
  }

  private Behavior<Command> onTableChanged(TableChanged msg) {
    if (msg.response() instanceof Replicator.Changed<LWWMap<String, DeploymentRecord>> c) {
      deployed(c.get(DeploymentTable.KEY).getEntries().values());
    }
    return this;
  }

  /** The controller's own table, read when a request names a model this node has not heard of yet. */
  private Behavior<Command> onRefresh() {
    long sinceLast = System.nanoTime() - lastRefreshNanos;
    if (sinceLast < settings.refreshInterval().toNanos()) {
      // Requests naming models nobody deployed cost the controller at most one table a refresh interval.
      getContext().scheduleOnce(settings.refreshInterval().minusNanos(sinceLast), getContext().getSelf(), Refresh.INSTANCE);
      return this;
    }
    lastRefreshNanos = System.nanoTime();
    getContext().ask(DeploymentController.Table.class, controller, settings.refreshTimeout(),
        DeploymentController.GetTable::new, (table, error) -> new Refreshed(table));
    return this;
  }

  private Behavior<Command> onRefreshed(Refreshed msg) {
    refreshes++;
    routing.refreshDone();
    if (msg.table() != null) {
      deployed(msg.table().deployments());
    } else {
      publish();
    }
    return this;
  }

  private void deployed(java.util.Collection<DeploymentRecord> records) {
    loaded = true;
    deadlines.clear();
    openAiCompatible.clear();
    fallbacks.clear();
    for (DeploymentRecord r : records) {
      if (!r.spec().fallbacks().isEmpty()) {
        fallbacks.put(r.model(), r.spec().fallbacks());
      }
      deadlines.put(r.model(), CallDeadline.of(r.spec(), settings.queueTimeout(), settings.deadlineSlack()));
      if (r.spec().pretrainedModelType().speaksOpenAi()) {
        openAiCompatible.add(r.model());
      }
      if (subscribed.add(r.model())) {
        getContext().getSystem().receptionist().tell(Receptionist.subscribe(WorkerKeys.forModel(r.model()), listings));
      }
    }
    publish();
  }

  private Behavior<Command> onListed(Listed msg) {
    for (String model : subscribed) {
      if (!msg.listing().isForKey(WorkerKeys.forModel(model))) {
        continue;
      }
      Map<ActorRef<WorkerActor.Command>, RemoteWorker> before = remote.getOrDefault(model, Map.of());
      Map<ActorRef<WorkerActor.Command>, RemoteWorker> now = new LinkedHashMap<>();
      for (ActorRef<WorkerActor.Command> ref : msg.listing().getServiceInstances(WorkerKeys.forModel(model))) {
        if (isLocal(ref)) {
          continue; // this node's own workers are called through LocalWorkers
        }
        RemoteWorker known = before.get(ref);
        if (known == null) {
          getContext().watch(ref);
          known = new RemoteWorker(ref);
        }
        now.put(ref, known);
      }
      remote.put(model, now);
      publish();
      break;
    }
    return this;
  }

  private Behavior<Command> onTerminated(Terminated t) {
    @SuppressWarnings("unchecked")
    ActorRef<WorkerActor.Command> dead = (ActorRef<WorkerActor.Command>) (ActorRef<?>) t.getRef();
    remote.values().forEach(workers -> workers.remove(dead));
    remoteCalls.workerLost(dead);
    publish();
    return this;
  }

  /**
   * A node that stops answering heartbeats leaves routing at once, and the calls it holds end now
   * rather than when it is finally downed; it comes back if it becomes reachable again.
   */
  private Behavior<Command> onReachability(Reachability msg) {
    Address node = msg.event().member().address();
    if (msg.event() instanceof ClusterEvent.UnreachableMember) {
      unreachable.add(node);
      remoteCalls.nodeLost(node);
    } else {
      unreachable.remove(node);
    }
    publish();
    return this;
  }

  /**
   * A member that is leaving gets no new calls from here (its workers are draining or gone); calls
   * already sent to it finish. A member that comes up again at the same address is routed to again.
   */
  private Behavior<Command> onMembership(Membership msg) {
    Address node = msg.event().member().address();
    if (msg.event() instanceof ClusterEvent.MemberUp || msg.event() instanceof ClusterEvent.MemberWeaklyUp) {
      leaving.remove(node);
    } else if (msg.event() instanceof ClusterEvent.MemberRemoved) {
      leaving.remove(node);
      unreachable.remove(node);
      remoteCalls.nodeRemoved(node);
    } else if (msg.event() instanceof ClusterEvent.MemberLeft || msg.event() instanceof ClusterEvent.MemberExited
        || msg.event() instanceof ClusterEvent.MemberDowned) {
      leaving.add(node);
    } else {
      return this;
    }
    publish();
    return this;
  }

  private void publish() {
    Map<String, List<RemoteWorker>> reachable = new HashMap<>();
    remote.forEach((model, workers) -> {
      List<RemoteWorker> list = new ArrayList<>();
      workers.values().forEach(w -> {
        if (!unreachable.contains(w.node()) && !leaving.contains(w.node())) {
          list.add(w);
        }
      });
      reachable.put(model, List.copyOf(list));
    });
    routing.publish(new RoutingTable(loaded, deadlines, openAiCompatible, reachable, refreshes, fallbacks));
  }

  private boolean isLocal(ActorRef<?> ref) {
    Address a = ref.path().address();
    return a.getHost().isEmpty() || a.equals(self);
  }
}
