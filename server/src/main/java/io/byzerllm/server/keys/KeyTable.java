package io.byzerllm.server.keys;

import java.time.Duration;
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
 * The cluster's issued keys: a durable Distributed Data map key id → {@link ApiKey} (hashes only).
 * One actor per node keeps its {@link KeyRing} current and writes creations and revocations to
 * every node ({@code WriteAll}, bounded by {@code byzerllm.keys.write-timeout}), so a revoke that
 * answers "replicated" is known to every reachable node's replica when it answers.
 */
public final class KeyTable {
  public static final Key<LWWMap<String, ApiKey>> KEY = LWWMapKey.create("api-keys");

  public sealed interface Command {}

  /** Stores {@code key}; the answer says whether every node confirmed it in time. */
  public record Put(ApiKey key, ActorRef<Written> replyTo) implements Command {}

  /** Removes key {@code id}. */
  public record Revoke(String id, ActorRef<Written> replyTo) implements Command {}

  /**
   * {@code existed}: the id was in the table; {@code replicated}: every node has the change (false:
   * this node has it and the others get it by gossip, usually within seconds).
   */
  public record Written(boolean existed, boolean replicated) {}

  private record Changed(Replicator.SubscribeResponse<LWWMap<String, ApiKey>> response) implements Command {}

  private record Updated(Replicator.UpdateResponse<LWWMap<String, ApiKey>> response, boolean existed,
                         ActorRef<Written> replyTo) implements Command {}

  private record ReadBack(Replicator.GetResponse<LWWMap<String, ApiKey>> response, Written answer,
                          ActorRef<Written> replyTo) implements Command {}

  private KeyTable() {}

  public static Behavior<Command> create(KeyRing ring, Duration writeTimeout) {
    return Behaviors.setup(ctx -> DistributedData.withReplicatorMessageAdapter(
        (ReplicatorMessageAdapter<Command, LWWMap<String, ApiKey>> replicator) -> {
          SelfUniqueAddress self = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
          Replicator.WriteConsistency all = new Replicator.WriteAll(writeTimeout);
          replicator.subscribe(KEY, Changed::new);
          // Read what this node already has (its durable copy) before the first change notification.
          replicator.askGet(r -> new Replicator.Get<>(KEY, Replicator.readLocal(), r), r -> new ReadBack(r, null, null));
          return Behaviors.receive(Command.class)
              .onMessage(Put.class, m -> {
                replicator.askUpdate(r -> new Replicator.Update<>(KEY, LWWMap.empty(), all, r,
                    map -> map.put(self, m.key().id(), m.key())), r -> new Updated(r, false, m.replyTo()));
                return Behaviors.same();
              })
              .onMessage(Revoke.class, m -> {
                boolean existed = ring.keys().containsKey(m.id());
                replicator.askUpdate(r -> new Replicator.Update<>(KEY, LWWMap.empty(), all, r,
                    map -> map.remove(self, m.id())), r -> new Updated(r, existed, m.replyTo()));
                return Behaviors.same();
              })
              .onMessage(Changed.class, m -> {
                if (m.response() instanceof Replicator.Changed<LWWMap<String, ApiKey>> c) {
                  ring.replace(c.get(KEY).getEntries());
                }
                return Behaviors.same();
              })
              .onMessage(Updated.class, m -> {
                // A write that did not reach every node in time is still written here and spreads by gossip.
                Written answer = new Written(m.existed(), m.response() instanceof Replicator.UpdateSuccess);
                replicator.askGet(r -> new Replicator.Get<>(KEY, Replicator.readLocal(), r),
                    r -> new ReadBack(r, answer, m.replyTo()));
                return Behaviors.same();
              })
              .onMessage(ReadBack.class, m -> {
                if (m.response() instanceof Replicator.GetSuccess<LWWMap<String, ApiKey>> ok) {
                  ring.replace(ok.get(KEY).getEntries());
                }
                if (m.replyTo() != null) {
                  m.replyTo().tell(m.answer());
                }
                return Behaviors.same();
              })
              .build();
        }));
  }
}
