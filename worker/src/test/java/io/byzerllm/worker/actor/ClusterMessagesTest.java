package io.byzerllm.worker.actor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.Usage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What crosses nodes survives serialization (Pekko drops a message it cannot serialize, silently for the sender). */
@Timeout(30)
class ClusterMessagesTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final SerializationTestKit SERIALIZATION = new SerializationTestKit(KIT.system());

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void streamEvent_deltaAndFailure_roundTrip() {
    StreamEvent delta = StreamEvent.delta(new ChatDelta("你好", "thinking", "stop", new Usage(3, 4),
        JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode().put("id", "call_1"))));
    StreamEvent failed = StreamEvent.failed(Failure.of(ErrorKind.UPSTREAM, "provider broke off"));

    assertThat(SERIALIZATION.verifySerialization(delta, true)).isEqualTo(delta);
    assertThat(SERIALIZATION.verifySerialization(failed, true)).isEqualTo(failed);
  }

  @Test
  void workerReply_progressAndFailure_roundTrip() {
    WorkerReply queued = WorkerReply.progress(7, WorkerReply.Progress.QUEUED);
    WorkerReply refused = WorkerReply.failed(8, Failure.overloaded("full", java.time.Duration.ofSeconds(2)), false);

    assertThat(SERIALIZATION.verifySerialization(queued, true)).isEqualTo(queued);
    assertThat(SERIALIZATION.verifySerialization(refused, true)).isEqualTo(refused);
  }

  @Test
  void workerReply_answerWithBackendAndQueueTimes_roundTrips() {
    WorkerReply answer = WorkerReply.ok(9, new io.byzerllm.worker.ForwardedAnswer("{}".getBytes()), 1_500_000, 250_000);

    WorkerReply back = (WorkerReply) SERIALIZATION.verifySerialization(answer, false); // a byte[] has no value equality

    assertThat(back.backendNanos()).isEqualTo(1_500_000);
    assertThat(back.queueNanos()).isEqualTo(250_000);
    assertThat(((io.byzerllm.worker.ForwardedAnswer) back.value()).body()).isEqualTo("{}".getBytes());
  }
}
