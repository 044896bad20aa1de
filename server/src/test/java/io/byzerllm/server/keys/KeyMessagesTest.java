package io.byzerllm.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the key table and the usage reports replicate survives serialization. */
@Timeout(30)
class KeyMessagesTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final SerializationTestKit SERIALIZATION = new SerializationTestKit(KIT.system());

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void apiKey_roundTrip() {
    ApiKey key = new ApiKey("0011223344556677", "ab".repeat(32), KeyRole.ADMIN, List.of("chat", "emb"),
        new KeyLimits(60, 10_000, 4), "ops", 1_700_000_000L);

    assertThat(SERIALIZATION.verifySerialization(key, true)).isEqualTo(key);
  }

  @Test
  void nodeUsage_roundTrip() {
    KeyLimiter.NodeUsage usage = new KeyLimiter.NodeUsage(Map.of("k1", new KeyLimiter.Usage(2, 28_000_000L, 17, 900)));

    assertThat(SERIALIZATION.verifySerialization(usage, true)).isEqualTo(usage);
  }
}
