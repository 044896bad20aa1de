package io.byzerllm.server.cluster;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** An actor test kit whose system is an Up one-node cluster on a free loopback port, with no durable table. */
final class OneNodeClusterKit {
  private OneNodeClusterKit() {}

  /** {@code config}: settings over the defaults (e.g. reconcile timings). */
  static ActorTestKit start(Map<String, Object> config, Duration wait) {
    Map<String, Object> all = new HashMap<>(Map.of(
        "pekko.remote.artery.canonical.hostname", "127.0.0.1",
        "pekko.remote.artery.canonical.port", 0,
        "pekko.cluster.distributed-data.durable.keys", List.of()));
    all.putAll(config);
    ActorTestKit kit = ActorTestKit.create("byzerllm", ConfigFactory.parseMap(all).withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    await().atMost(wait).until(() -> cluster.selfMember().status() == MemberStatus.up());
    return kit;
  }
}
