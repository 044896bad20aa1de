package io.byzerllm.server.storage;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * Which node holds which store, cluster-wide: a Distributed Data map store name → the holder's HTTP
 * address. Each node's actor keeps an immutable snapshot of the map current (requests read it without
 * a message) and writes its own entries to a majority when it opens or stops a store.
 */
final class StoreLocations {
  static final Key<LWWMap<String, String>> KEY = LWWMapKey.create("storage-stores");

  sealed interface Command {}

  /** Records that the node at {@code httpUrl} holds {@code cluster}. */
  record Put(String cluster, String httpUrl, ActorRef<Done> replyTo) implements Command {}

  /** Forgets {@code cluster} if the node at {@code httpUrl} is the one recorded. */
  record Remove(String cluster, String httpUrl, ActorRef<Done> replyTo) implements Command {}

  /** The map as this node has it now (read locally, fresher than the snapshot's last notification). */
  record Read(ActorRef<Map<String, String>> replyTo) implements Command {}

  private record Changed(Replicator.SubscribeResponse<LWWMap<String, String>> response) implements Command {}

  private record Written(Replicator.UpdateResponse<LWWMap<String, String>> response, ActorRef<Done> replyTo)
      implements Command {}

  private record ReadBack(Replicator.GetResponse<LWWMap<String, String>> response, ActorRef<Map<String, String>> replyTo)
      implements Command {}

  private StoreLocations() {}

  static Behavior<Command> create(AtomicReference<Map<String, String>> snapshot, Duration writeTimeout) {
    return Behaviors.setup(ctx -> DistributedData.withReplicatorMessageAdapter(
        (ReplicatorMessageAdapter<Command, LWWMap<String, String>> replicator) -> {
          SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
          replicator.subscribe(KEY, Changed::new);
          Replicator.WriteConsistency majority = new Replicator.WriteMajority(writeTimeout);
          return Behaviors.receive(Command.class)
              .onMessage(Put.class, m -> {
                replicator.askUpdate(r -> new Replicator.Update<>(KEY, LWWMap.empty(), majority, r,
                    map -> map.put(self, m.cluster(), m.httpUrl())), r -> new Written(r, m.replyTo()));
                return Behaviors.same();
              })
              .onMessage(Remove.class, m -> {
                replicator.askUpdate(r -> new Replicator.Update<>(KEY, LWWMap.empty(), majority, r,
                    map -> m.httpUrl().equals(map.getEntries().get(m.cluster())) ? map.remove(self, m.cluster()) : map),
                    r -> new Written(r, m.replyTo()));
                return Behaviors.same();
              })
              .onMessage(Read.class, m -> {
                replicator.askGet(r -> new Replicator.Get<>(KEY, Replicator.readLocal(), r), r -> new ReadBack(r, m.replyTo()));
                return Behaviors.same();
              })
              .onMessage(Changed.class, m -> {
                if (m.response() instanceof Replicator.Changed<LWWMap<String, String>> c) {
                  snapshot.set(Map.copyOf(c.get(KEY).getEntries()));
                }
                return Behaviors.same();
              })
              .onMessage(Written.class, m -> {
                // Not reaching a majority in time still wrote locally; peers converge by gossip.
                m.replyTo().tell(Done.getInstance());
                return Behaviors.same();
              })
              .onMessage(ReadBack.class, m -> {
                Map<String, String> entries = m.response() instanceof Replicator.GetSuccess<LWWMap<String, String>> ok
                    ? Map.copyOf(ok.get(KEY).getEntries()) : Map.of();
                snapshot.set(entries);
                m.replyTo().tell(entries);
                return Behaviors.same();
              })
              .build();
        }));
  }
}
