package io.byzerllm.server.keys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;
import io.byzerllm.worker.actor.NodeName;

/**
 * Shares each node's key usage with the others through Distributed Data: a map node → its
 * {@link KeyLimiter.NodeUsage}, each node writing only its own entry, every report interval when it
 * changed, straight to every node ({@code WriteAll} bounded by the interval). Reports of nodes that
 * are no longer Up members stop counting at the next tick.
 */
public final class UsageGossip {
  static final Key<LWWMap<String, KeyLimiter.NodeUsage>> KEY = LWWMapKey.create("api-key-usage");

  sealed interface Command {}

  private enum Tick implements Command { INSTANCE }

  private record Changed(Replicator.SubscribeResponse<LWWMap<String, KeyLimiter.NodeUsage>> response) implements Command {}

  private record Written(Replicator.UpdateResponse<LWWMap<String, KeyLimiter.NodeUsage>> response) implements Command {}

  private UsageGossip() {}

  public static Behavior<?> create(KeyLimiter limiter, Duration interval) {
    return Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> DistributedData.withReplicatorMessageAdapter(
        (ReplicatorMessageAdapter<Command, LWWMap<String, KeyLimiter.NodeUsage>> replicator) -> {
          SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
          String me = NodeName.of(ctx.getSystem());
          Cluster cluster = Cluster.get(ctx.getSystem());
          Replicator.WriteConsistency all = new Replicator.WriteAll(interval);
          replicator.subscribe(KEY, Changed::new);
          timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
          // Only this actor reads and writes them: what this node last reported (to skip unchanged
          // reports) and every node's last report (to drop those of nodes that left, on each tick).
          AtomicReference<Map<String, KeyLimiter.Usage>> last = new AtomicReference<>(Map.of());
          AtomicReference<Map<String, KeyLimiter.NodeUsage>> reports = new AtomicReference<>(Map.of());
          return Behaviors.receive(Command.class)
              .onMessageEquals(Tick.INSTANCE, () -> {
                limiter.elsewhere(others(reports.get(), me, cluster));
                Map<String, KeyLimiter.Usage> now = limiter.local();
                if (!now.equals(last.get())) {
                  last.set(now);
                  KeyLimiter.NodeUsage report = new KeyLimiter.NodeUsage(now);
                  replicator.askUpdate(r -> new Replicator.Update<>(KEY, LWWMap.empty(), all, r,
                      map -> map.put(self, me, report)), Written::new);
                }
                return Behaviors.same();
              })
              .onMessage(Changed.class, m -> {
                if (m.response() instanceof Replicator.Changed<LWWMap<String, KeyLimiter.NodeUsage>> c) {
                  reports.set(Map.copyOf(c.get(KEY).getEntries()));
                  limiter.elsewhere(others(reports.get(), me, cluster));
                }
                return Behaviors.same();
              })
              // Not every node confirmed in time: the report still spreads by gossip, and the next one follows.
              .onMessage(Written.class, m -> Behaviors.same())
              .build();
        })));
  }

  /** The reports of the other nodes that are members now (a node that left stops counting). */
  private static List<KeyLimiter.NodeUsage> others(Map<String, KeyLimiter.NodeUsage> reports, String me, Cluster cluster) {
    Set<String> members = new HashSet<>();
    cluster.state().getMembers().forEach(member -> {
      if (member.status() == MemberStatus.up() || member.status() == MemberStatus.weaklyUp()) {
        members.add(NodeName.of(member.address()));
      }
    });
    List<KeyLimiter.NodeUsage> others = new ArrayList<>();
    reports.forEach((node, usage) -> {
      if (!node.equals(me) && members.contains(node)) {
        others.add(usage);
      }
    });
    return others;
  }
}
