package io.byzerllm.server.link;

import io.byzerllm.worker.actor.NodeName;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's links to the other nodes, for calls to their workers: plain TCP to the port each node
 * advertises in a cluster role ({@link #role}), bypassing the actors on both ends. A node without
 * one (or whose connections are all busy, or whose link cannot be reached from here) is called
 * through the cluster's messages instead.
 */
public final class NodeLinks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLinks.class);
  private static final String ROLE_PREFIX = "byzerllm-link-port-";

  /**
   * Per other node: at most this many connections (calls and streams in flight over the link); idle
   * ones close after {@code idleTimeout}; a stream's reader may fall {@code streamBuffer} events behind.
   */
  public record Settings(int maxConnectionsPerNode, Duration idleTimeout, int streamBuffer) {}

  private final Function<Address, Optional<Set<String>>> rolesOf;
  private final LinkFrames frames;
  private final Settings settings;
  private final ExecutorService io;
  private final ConcurrentHashMap<Address, Optional<LinkPool>> pools = new ConcurrentHashMap<>();

  /** {@code rolesOf}: a cluster member's roles, empty while the address is no member (yet). */
  public NodeLinks(Function<Address, Optional<Set<String>>> rolesOf, LinkFrames frames, Settings settings) {
    this.rolesOf = rolesOf;
    this.frames = frames;
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    this.io = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "link-io-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The cluster role that advertises a node's link port. */
  public static String role(int port) {
    return ROLE_PREFIX + port;
  }

  /** The link port a member's roles advertise, if any. */
  public static OptionalInt portIn(Set<String> roles) {
    for (String r : roles) {
      if (r.startsWith(ROLE_PREFIX)) {
        try {
          return OptionalInt.of(Integer.parseInt(r.substring(ROLE_PREFIX.length())));
        } catch (NumberFormatException ignored) {
          return OptionalInt.empty();
        }
      }
    }
    return OptionalInt.empty();
  }

  /** A connection to {@code node}'s link for one call, or null: call it through the cluster's messages. */
  public LinkConnection acquire(Address node) {
    Optional<LinkPool> pool = pools.get(node);
    if (pool == null) {
      pool = discover(node);
      if (pool == null) {
        return null;
      }
    }
    return pool.isPresent() ? pool.get().acquire() : null;
  }

  private Optional<LinkPool> discover(Address node) {
    Optional<Set<String>> roles = rolesOf.apply(node);
    if (roles.isEmpty()) {
      return null; // not a member yet as this node sees it: look again on the next call
    }
    OptionalInt port = portIn(roles.get());
    Optional<LinkPool> pool = port.isPresent() && node.getHost().isPresent()
        ? Optional.of(new LinkPool(node.getHost().get(), port.getAsInt(), NodeName.of(node), frames, io,
            settings.maxConnectionsPerNode(), settings.streamBuffer(), () -> unreachable(node)))
        : Optional.empty();
    Optional<LinkPool> raced = pools.putIfAbsent(node, pool);
    return raced != null ? raced : pool;
  }

  /**
   * A connect to {@code node}'s link failed (a firewall, a link port not reachable from here): its
   * workers are called through the cluster's messages until it leaves the cluster.
   */
  private void unreachable(Address node) {
    Optional<LinkPool> before = pools.put(node, Optional.empty());
    if (before != null && before.isPresent()) {
      LOG.warn("cannot connect to the node link of {} at {}:{}; calls to its workers go as the cluster's messages"
          + " (check that byzerllm.server.link.port is reachable between the nodes)", NodeName.of(node),
          before.get().host, before.get().port);
      before.get().close();
    }
  }

  /** {@code node} left the cluster: close its connections, look it up again if it comes back. */
  public void forget(Address node) {
    Optional<LinkPool> pool = pools.remove(node);
    if (pool != null) {
      pool.ifPresent(LinkPool::close);
    }
  }

  /** {@code node} stopped answering: the calls and streams on its connections end now (idle ones stay for its return). */
  public void nodeLost(Address node) {
    Optional<LinkPool> pool = pools.get(node);
    if (pool != null) {
      pool.ifPresent(LinkPool::abandonBusy);
    }
  }

  /** Closes the connections idle for longer than the idle timeout (run every so often). */
  public void closeIdle() {
    long before = System.nanoTime() - settings.idleTimeout().toNanos();
    pools.values().forEach(p -> p.ifPresent(pool -> pool.idleSince(before).forEach(LinkConnection::abandon)));
  }

  @Override
  public void close() {
    pools.values().forEach(p -> p.ifPresent(LinkPool::close));
    pools.clear();
    io.shutdown();
  }
}
