package io.byzerllm.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.Resources;
import io.byzerllm.server.cluster.DeploymentController;
import io.byzerllm.server.cluster.NodeAgent;
import io.byzerllm.server.http.AccessGate;
import io.byzerllm.server.http.AudioRoutes;
import io.byzerllm.server.http.BodyLimits;
import io.byzerllm.server.http.ChatRoutes;
import io.byzerllm.server.http.ClusterRoutes;
import io.byzerllm.server.http.ClusterView;
import io.byzerllm.server.http.DeploymentRoutes;
import io.byzerllm.server.http.EmbeddingRoutes;
import io.byzerllm.server.http.HttpApi;
import io.byzerllm.server.http.HttpEdge;
import io.byzerllm.server.http.ImageRoutes;
import io.byzerllm.server.http.ModelGateway;
import io.byzerllm.server.http.ModelRoutes;
import io.byzerllm.server.ops.AccessLog;
import io.byzerllm.server.ops.AnsweredRequests;
import io.byzerllm.server.ops.KeyIds;
import io.byzerllm.server.ops.NodeMetrics;
import io.byzerllm.server.ops.OpsRoutes;
import io.byzerllm.server.ops.RecentErrors;
import io.byzerllm.server.link.LinkFrames;
import io.byzerllm.server.link.NodeLinkServer;
import io.byzerllm.server.link.NodeLinks;
import io.byzerllm.server.routing.RemoteCalls;
import io.byzerllm.server.routing.RequestRouter;
import io.byzerllm.server.routing.Routing;
import io.byzerllm.server.routing.WorkerDirectory;
import io.byzerllm.worker.actor.BackendGate;
import io.byzerllm.worker.actor.LocalWorkers;
import org.apache.pekko.stream.Materializer;
import io.byzerllm.server.storage.NodeStores;
import io.byzerllm.server.storage.StorageRoutes;
import io.byzerllm.server.storage.StoreForwarding;
import io.byzerllm.worker.actor.NodeName;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * One running node: a Pekko Cluster member (a cluster of one until others join) with the
 * deployment controller as a cluster singleton, a model router, an agent that runs this node's
 * workers, and the HTTP API. {@link #start} returns once the node is an Up member, its HTTP port
 * answers and the controller knows this node; {@link #close} leaves the cluster and unbinds.
 */
public final class Node implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * JVM options of a node. The {@code --add-opens} are for its durable deployment table (LMDB maps
   * files through NIO internals; without them the table lives only in memory). The common pool's
   * parallelism: the JDK's HttpClient completes every upstream answer on the CompletableFuture
   * async pool, which on fewer than 3 cores is a new thread per task; a real pool halves the CPU
   * of a request through the node (docs/benchmarks.md).
   */
  public static final List<String> JVM_OPTIONS = List.of(
      "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "-D" + CommonPool.PARALLELISM_PROPERTY + "=" + CommonPool.PARALLELISM);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final String httpUrl;
  private final NodeLinkServer link;
  /** Completes when the actor system has stopped and no backend of this node is loading or freeing a model. */
  private final CompletableFuture<Void> stopped;

  private Node(ActorSystem<Void> system, ServerBinding binding, String httpUrl, BackendGate gate, NodeLinkServer link) {
    this.system = system;
    this.link = link;
    this.binding = binding;
    this.httpUrl = httpUrl;
    Duration bound = system.settings().config().getDuration("byzerllm.server.backend-release-timeout");
    this.stopped = system.getWhenTerminated().toCompletableFuture()
        .thenCompose(done -> gate.whenIdle())
        .toCompletableFuture().completeOnTimeout(null, bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts a node and waits until it serves; fails with a clear message (e.g. port in use). */
  public static Node start(NodeSettings settings) {
    CommonPool.warnIfThreadPerTask();
    Config config = config(settings);
    // Under Artery's TLS the calls stay on the cluster's own (encrypted, authenticated) connections.
    boolean linked = config.getBoolean("byzerllm.server.link.enabled")
        && !"tls-tcp".equals(config.getString("pekko.remote.artery.transport"));
    NodeLinkServer link = linked ? NodeLinkServer.bind(settings.host(), config.getInt("byzerllm.server.link.port")) : null;
    ActorSystem<Void> system;
    try {
      system = ActorSystem.create(Behaviors.empty(), "byzerllm", link == null ? config : withRole(config, NodeLinks.role(link.port())));
    } catch (RuntimeException e) {
      if (link != null) {
        link.close();
      }
      throw new LlmException(ErrorKind.INVALID_REQUEST, "cannot open the cluster port " + settings.host() + ":"
          + settings.clusterPort() + " (" + rootMessage(e) + "); choose another --cluster_port or stop what uses it", e);
    }
    if (link != null) {
      system.getWhenTerminated().whenComplete((done, error) -> link.close());
    }
    try {
      return boot(system, settings, link);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  private static Config withRole(Config config, String role) {
    List<String> roles = new ArrayList<>(config.getStringList("pekko.cluster.roles"));
    roles.add(role);
    return ConfigFactory.parseMap(Map.of("pekko.cluster.roles", roles)).withFallback(config);
  }

  private static Node boot(ActorSystem<Void> system, NodeSettings settings, NodeLinkServer link) {
    Config config = system.settings().config();
    Cluster cluster = Cluster.get(system);
    join(cluster, settings);
    CompletableFuture<Void> up = new CompletableFuture<>();
    org.apache.pekko.cluster.Cluster.get(system.classicSystem()).registerOnMemberUp(() -> up.complete(null));
    await(up, "join the cluster" + (settings.join().isEmpty() ? "" : " at " + settings.join()));

    ActorRef<DeploymentController.Command> controller = ClusterSingleton.get(system)
        .init(SingletonActor.of(DeploymentController.create(), "deployment-controller"));
    Routing routing = new Routing();
    LocalWorkers localWorkers = new LocalWorkers(routing::changed);
    BackendGate gate = new BackendGate();
    // From the first moment of a stop, no model starts loading on this node (see BackendGate).
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "refuse-backend-opens", () -> {
      gate.shut();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    NodeMetrics metrics = config.getBoolean("byzerllm.ops.metrics") ? new NodeMetrics() : null;
    ModelGateway gateway = new ModelGateway(requestRouter(system, config, controller, routing, localWorkers, link,
        metrics == null ? null : metrics.registry()));
    ClusterView view = new ClusterView(controller, system.scheduler(), config.getDuration("byzerllm.server.view-timeout"));
    String nodeName = NodeName.of(system);
    AtomicReference<String> selfUrl = new AtomicReference<>();
    NodeStores stores = openStores(system, settings);
    StoreForwarding forwarding = new StoreForwarding(system, stores, selfUrl::get,
        config.getDuration("byzerllm.storage.locations-timeout"));

    NodeKeys keys = NodeKeys.start(system, settings.apiKey());
    ChatRoutes chat = new ChatRoutes(gateway);
    EmbeddingRoutes embeddings = new EmbeddingRoutes(gateway);
    Route v1 = Directives.concat(chat.route(), embeddings.route(),
        new AudioRoutes(gateway).route(), new ImageRoutes(gateway).route(), new ModelRoutes(view).route());
    AccessLog accessLog = accessLog(config, nodeDir(settings));
    RecentErrors recentErrors = new RecentErrors(config.getInt("byzerllm.ops.recent-errors"));
    system.getWhenTerminated().whenComplete((done, error) -> {
      if (accessLog != null) {
        accessLog.close();
      }
      if (metrics != null) {
        metrics.close();
      }
    });
    AtomicReference<ActorRef<NodeAgent.Command>> agentRef = new AtomicReference<>();
    OpsRoutes ops = new OpsRoutes(metrics, recentErrors, cluster, agentRef::get, system.scheduler(),
        config.getDuration("byzerllm.server.view-timeout"), nodeName,
        system.dispatchers().lookup(DispatcherSelector.fromConfig("byzerllm.blocking-dispatcher")));
    Route api = Directives.concat(
        new DeploymentRoutes(controller, view, system.scheduler(), config.getDuration("byzerllm.server.deploy-timeout")).route(),
        new ClusterRoutes(view, cluster, () -> stopSoon(system)).route(),
        new StorageRoutes(stores, gateway, forwarding, selfUrl::get).route(),
        keys.routes(system).route(),
        ops.api());
    BodyLimits limits = BodyLimits.from(config);
    AccessGate access = new AccessGate(keys.ring(), keys.limiter());
    Duration bodyReadTimeout = config.getDuration("byzerllm.server.body-read-timeout");
    HttpApi http = new HttpApi(access, nodeName, limits, v1, api, ops.open(), bodyReadTimeout);
    HttpEdge edge = new HttpEdge(Map.of("/v1/chat/completions", chat::handle, "/v1/embeddings", embeddings::handle),
        access, http.route().handler(system), limits, bodyReadTimeout,
        new AnsweredRequests(metrics, accessLog, recentErrors, KeyIds.from(keys.ring())));

    ServerBinding binding = bind(system, settings, edge);
    String httpUrl = "http://" + settings.host() + ":" + binding.localAddress().getPort();
    selfUrl.set(httpUrl);
    announceStores(stores, forwarding);
    ActorRef<NodeAgent.Command> agent = system.systemActorOf(
        NodeAgent.create(httpUrl, Resources.of(settings.numCpus(), settings.numGpus()), settings.home(), localWorkers, gate,
            metrics == null ? null : metrics.registry()),
        "node-agent", Props.empty());
    agentRef.set(agent);
    drainOnShutdown(system, agent, config.getDuration("byzerllm.server.drain-timeout"));
    logCrashReports(system, nodeDir(settings));
    awaitControllerKnows(view, nodeName);
    system.log().info("node {} up: HTTP {}", nodeName, httpUrl);
    return new Node(system, binding, httpUrl, gate, link);
  }

  /** The node's access log, {@code access.log} in its directory, or null when byzerllm.ops.access-log is off. */
  private static AccessLog accessLog(Config config, java.nio.file.Path nodeDir) {
    Config c = config.getConfig("byzerllm.ops.access-log");
    if (!c.getBoolean("enabled")) {
      return null;
    }
    return new AccessLog(nodeDir.resolve("access.log"), c.getBytes("max-file-size"), c.getInt("max-files"),
        c.getInt("queue-size"), c.getDuration("flush-interval"));
  }

  /**
   * The request path: a directory actor publishes the routing table; requests read it and call
   * workers directly, on other nodes over their links where they have one.
   */
  private static RequestRouter requestRouter(ActorSystem<Void> system, Config config,
                                             ActorRef<DeploymentController.Command> controller, Routing routing,
                                             LocalWorkers localWorkers, NodeLinkServer link, MeterRegistry registry) {
    NodeLinks links = link == null ? null : nodeLinks(system, config.getConfig("byzerllm.server.link"), localWorkers, link);
    RemoteCalls remoteCalls = new RemoteCalls(system.scheduler(), system.executionContext(), links, registry,
        Materializer.matFromSystem(system));
    remoteCalls.receiveAt(system.systemActorOf(remoteCalls.receiver(), "remote-replies", Props.empty()));
    Duration queueTimeout = config.getDuration("byzerllm.worker.queue-timeout");
    system.systemActorOf(WorkerDirectory.create(routing, remoteCalls, controller, new WorkerDirectory.Settings(
        queueTimeout, config.getDuration("byzerllm.server.call-deadline-slack"),
        config.getDuration("byzerllm.server.view-timeout"), config.getDuration("byzerllm.server.table-refresh-interval"))),
        "worker-directory", Props.empty());
    return new RequestRouter(routing, localWorkers, remoteCalls, system.scheduler(), system.executionContext(),
        system.executionContext(), Materializer.matFromSystem(system), new RequestRouter.Settings(
        config.getDuration("byzerllm.server.listing-grace"), config.getDuration("byzerllm.server.call-deadline-fallback")));
  }

  /** Serves this node's workers on its link and opens links to the other nodes' as calls need them. */
  private static NodeLinks nodeLinks(ActorSystem<Void> system, Config c, LocalWorkers localWorkers, NodeLinkServer link) {
    LinkFrames frames = LinkFrames.of(system, (int) Math.min(Integer.MAX_VALUE - 8, c.getBytes("max-frame-size")));
    Cluster cluster = Cluster.get(system);
    int streamBuffer = system.settings().config().getInt("byzerllm.worker.stream-buffer");
    link.serve(localWorkers, frames, peer -> isMemberHost(cluster, peer), Materializer.matFromSystem(system),
        system.dispatchers().lookup(DispatcherSelector.fromConfig("byzerllm.blocking-dispatcher")), streamBuffer);
    Duration idle = c.getDuration("idle-timeout");
    NodeLinks links = new NodeLinks(address -> rolesOf(cluster, address), frames,
        new NodeLinks.Settings(c.getInt("max-connections-per-node"), idle, streamBuffer));
    system.scheduler().scheduleWithFixedDelay(idle, idle.dividedBy(2), links::closeIdle, system.executionContext());
    system.getWhenTerminated().whenComplete((done, error) -> links.close());
    return links;
  }

  private static Optional<Set<String>> rolesOf(Cluster cluster, Address node) {
    for (Member m : cluster.state().getMembers()) {
      if (m.address().equals(node)) {
        return Optional.of(m.getRoles());
      }
    }
    return Optional.empty();
  }

  private static boolean isMemberHost(Cluster cluster, InetAddress peer) {
    for (Member m : cluster.state().getMembers()) {
      if (m.address().getHost().isPresent()) {
        try {
          if (InetAddress.getByName(m.address().getHost().get()).equals(peer)) {
            return true;
          }
        } catch (java.net.UnknownHostException ignored) {
          // a member whose name does not resolve here cannot be this peer
        }
      }
    }
    return false;
  }

  /**
   * Leaving gracefully: after this node's HTTP requests are done, its workers stop taking calls
   * and finish those in flight (up to the deadline) before the node leaves the cluster; the
   * controller then places them again on the other nodes.
   */
  private static void drainOnShutdown(ActorSystem<Void> system, ActorRef<NodeAgent.Command> agent, Duration deadline) {
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "drain-workers", () ->
        AskPattern.<NodeAgent.Command, NodeAgent.Drained>ask(agent, NodeAgent.DrainAll::new, deadline, system.scheduler())
            .handle((drained, timedOut) -> Done.getInstance()));
  }

  /** Says where a crash of this JVM would be reported, and what earlier crashes of this node left behind. */
  private static void logCrashReports(ActorSystem<Void> system, java.nio.file.Path dir) {
    CrashReports.errorFileOfThisJvm().ifPresentOrElse(
        f -> system.log().info("a JVM crash report of this node would be written to {}", f),
        () -> system.log().warn("this JVM has no -XX:ErrorFile: a crash report would land in the directory it was"
            + " started from ({}); start nodes with {}", System.getProperty("user.dir"),
            String.join(" ", CrashReports.jvmOptions(dir))));
    for (java.nio.file.Path earlier : CrashReports.find(dir, 1)) {
      system.log().warn("an earlier run of this node crashed or ran out of memory: see {}", earlier);
    }
  }

  /**
   * The stores this node held before it stopped, open again (a store that cannot be opened is logged
   * and stays recorded); closed, which commits them, when the node stops.
   */
  private static NodeStores openStores(ActorSystem<Void> system, NodeSettings settings) {
    java.util.concurrent.Executor io = system.dispatchers().lookup(DispatcherSelector.fromConfig("byzerllm.storage.io-dispatcher"));
    NodeStores stores = new NodeStores(settings.home(), nodeDir(settings), io);
    stores.reopenRecorded();
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "close-stores", () ->
        CompletableFuture.supplyAsync(() -> {
          stores.close();
          return Done.getInstance();
        }, io));
    return stores;
  }

  private static void announceStores(NodeStores stores, StoreForwarding forwarding) {
    for (NodeStores.Held h : stores.all()) {
      try {
        forwarding.announce(h.cluster()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(Node.class).warn("could not tell the cluster that this node holds store {}: {}",
            h.cluster(), e.toString());
      }
    }
  }

  /** {@code $LLM_HOME/nodes/<host>_<port>}: this node's logs, durable deployment table and store registry. */
  static java.nio.file.Path nodeDir(NodeSettings s) {
    return s.home().resolve("nodes").resolve(s.host() + "_" + s.httpPort());
  }

  private static void join(Cluster cluster, NodeSettings settings) {
    if (settings.join().isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      return;
    }
    List<Address> seeds = settings.join().stream().map(Node::seedAddress).toList();
    cluster.manager().tell(new JoinSeedNodes(seeds));
  }

  private static Address seedAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "--join takes HOST:PORT of another node's cluster port (got '"
          + hostPort + "')");
    }
    try {
      return new Address("pekko", "byzerllm", hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "--join port must be a number (got '" + hostPort + "')");
    }
  }

  private static ServerBinding bind(ActorSystem<Void> system, NodeSettings settings, HttpEdge edge) {
    CompletionStage<ServerBinding> bound = Http.get(system).newServerAt(settings.host(), settings.httpPort())
        .bindFlow(edge.flow());
    try {
      ServerBinding binding = bound.toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
      return binding;
    } catch (Exception e) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "cannot serve HTTP on " + settings.host() + ":" + settings.httpPort()
          + " (" + rootMessage(e) + "); choose another --port or stop what uses it", e);
    }
  }

  private static void awaitControllerKnows(ClusterView view, String nodeName) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        boolean known = view.table().toCompletableFuture().get(5, TimeUnit.SECONDS).nodes().stream()
            .anyMatch(n -> n.address().equals(nodeName));
        if (known) {
          return;
        }
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmException(ErrorKind.INTERNAL, "interrupted while starting the node");
      } catch (Exception e) {
        // The singleton may still be starting; ask again until the deadline.
      }
    }
    throw new LlmException(ErrorKind.UNAVAILABLE, "the deployment controller did not see this node within "
        + START_TIMEOUT.toSeconds() + "s; check the node log");
  }

  private static void await(CompletableFuture<Void> f, String what) {
    try {
      f.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmException(ErrorKind.INTERNAL, "interrupted while waiting to " + what);
    } catch (Exception e) {
      throw new LlmException(ErrorKind.UNAVAILABLE, "could not " + what + " within " + START_TIMEOUT.toSeconds()
          + "s; is the seed node running and reachable?", e);
    }
  }

  private static void stopSoon(ActorSystem<Void> system) {
    system.scheduler().scheduleOnce(Duration.ofMillis(200), system::terminate, system.executionContext());
  }

  static Config config(NodeSettings s) {
    Map<String, Object> o = new HashMap<>(s.config());
    o.put("pekko.remote.artery.canonical.hostname", s.host());
    o.put("pekko.remote.artery.canonical.port", s.clusterPort());
    o.put("pekko.cluster.distributed-data.durable.lmdb.dir", nodeDir(s).resolve("ddata").toString());
    if (!durableStorageUsable()) {
      o.put("pekko.cluster.distributed-data.durable.keys", List.of());
      org.slf4j.LoggerFactory.getLogger(Node.class).warn("the deployment table will not survive a restart of the whole"
          + " cluster: start the JVM with {}", String.join(" ", JVM_OPTIONS));
    }
    return ConfigFactory.parseMap(o).withFallback(ConfigFactory.load());
  }

  private static boolean durableStorageUsable() {
    Module unnamed = Node.class.getClassLoader().getUnnamedModule();
    return java.nio.Buffer.class.getModule().isOpen("java.nio", unnamed);
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage();
  }

  /** The port other nodes call this node's workers on (byzerllm.server.link), or -1 when it has no link. */
  public int linkPort() {
    return link == null ? -1 : link.port();
  }

  /** The bound HTTP port (the real one when the settings asked for 0). */
  public int httpPort() {
    return binding.localAddress().getPort();
  }

  /** {@code http://host:port}, the address clients connect to. */
  public String httpUrl() {
    return httpUrl;
  }

  /** {@code host:port} of the cluster endpoint, what {@code --join} takes. */
  public String clusterAddress() {
    return NodeName.of(system);
  }

  /**
   * Completes when the node has stopped, whoever stopped it (close, HTTP shutdown, signal), and no
   * model of its is still loading or being freed (bounded by byzerllm.server.backend-release-timeout):
   * only then may its JVM exit.
   */
  public CompletionStage<Void> whenTerminated() {
    return stopped;
  }

  @Override
  public void close() {
    system.terminate();
    try {
      stopped.get(30 + system.settings().config().getDuration("byzerllm.server.backend-release-timeout").toSeconds(),
          TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      system.log().warn("node did not stop cleanly within 30s: {}", e.toString());
    }
  }
}
