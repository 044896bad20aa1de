package io.byzerllm.worker.actor;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.Usage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A streamed answer's elements cross nodes inside stream refs: each kind survives the cluster's serializer. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamEventSerializationTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final SerializationTestKit SERIALIZATION = new SerializationTestKit(KIT.system());

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void roundTrip_deltaDoneAndFailure_equalAfterward() {
    StreamEvent delta = StreamEvent.delta(new ChatDelta("你好", "thinking", null, null, null));
    StreamEvent done = StreamEvent.done(new ChatResult("req-1", "whole answer", null, "stop", new Usage(3, 4),
        "up-model", null, 12.5), 42_000);
    StreamEvent failed = StreamEvent.failed(new Failure(ErrorKind.UPSTREAM, 502, "upstream broke", 0));

    for (StreamEvent e : new StreamEvent[] {delta, done, failed}) {
      assertThat(SERIALIZATION.verifySerialization(e, true)).isEqualTo(e);
    }
  }
}
