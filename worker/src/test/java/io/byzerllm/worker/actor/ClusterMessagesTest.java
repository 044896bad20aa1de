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
  void coolingDownRefusal_roundTripsAndStaysA503WithRetryAfter() {
    Failure cooling = Failure.of(new NotStartedException(
        new io.byzerllm.deploy.CoolingDownException("worker 0 of 'm' is cooling down", java.time.Duration.ofSeconds(3))));
    WorkerReply refused = WorkerReply.failed(9, cooling, false);

    WorkerReply back = SERIALIZATION.verifySerialization(refused, true);

    assertThat(back).isEqualTo(refused);
    assertThat(back.failure().toException()).isInstanceOfSatisfying(io.byzerllm.deploy.CoolingDownException.class,
        e -> assertThat(e.retryAfter()).isEqualTo(java.time.Duration.ofSeconds(3)));
  }

  @Test
  void workerStatus_withBreakerState_roundTrip() {
    WorkerStatus status = new WorkerStatus(new WorkerId("m", 1, 0), "127.0.0.1:2551", "ready", 1, 2, 0, 10, 3, 1.5, 9.0,
        java.util.Map.of("type", "saas/openai"), "open");

    assertThat(SERIALIZATION.verifySerialization(status, true)).isEqualTo(status);
  }
}
