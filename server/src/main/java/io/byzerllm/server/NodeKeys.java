package io.byzerllm.server;

import com.typesafe.config.Config;
import io.byzerllm.server.http.KeyRoutes;
import io.byzerllm.server.keys.KeyLimiter;
import io.byzerllm.server.keys.KeyRing;
import io.byzerllm.server.keys.KeyTable;
import io.byzerllm.server.keys.UsageGossip;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/** A node's part of the cluster's keys: its key ring and table actor, its limiter and usage reports. */
record NodeKeys(KeyRing ring, KeyLimiter limiter, ActorRef<KeyTable.Command> table, Duration writeTimeout) {

  static NodeKeys start(ActorSystem<?> system, String bootstrapKey) {
    Config config = system.settings().config();
    Duration writeTimeout = config.getDuration("byzerllm.keys.write-timeout");
    KeyRing ring = new KeyRing(bootstrapKey);
    KeyLimiter limiter = new KeyLimiter(System::currentTimeMillis);
    ActorRef<KeyTable.Command> table = system.systemActorOf(KeyTable.create(ring, writeTimeout), "key-table", Props.empty());
    system.systemActorOf(UsageGossip.create(limiter, config.getDuration("byzerllm.keys.usage-interval")), "key-usage",
        Props.empty());
    return new NodeKeys(ring, limiter, table, writeTimeout);
  }

  KeyRoutes routes(ActorSystem<?> system) {
    return new KeyRoutes(table, ring, limiter, system.scheduler(), writeTimeout.plusSeconds(2));
  }
}
