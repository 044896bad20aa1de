package io.byzerllm.worker.actor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.byzerllm.deploy.ErrorKind;
import com.fasterxml.jackson.databind.node.TextNode;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.Usage;
import java.util.List;
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
  void streamEvent_deltaAndDoneWithThinkingBlocks_roundTrip() {
    var blocks = JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode().put("type", "thinking")
        .put("thinking", "").put("signature", "EqSig1"));
    StreamEvent delta = StreamEvent.delta(new ChatDelta(null, null, null, null, null, blocks));
    StreamEvent done = StreamEvent.done(new io.byzerllm.worker.ChatResult("req-1", "42", "hmm", "stop", new Usage(3, 4),
        "claude", null, 0, blocks), 1_000);

    assertThat(SERIALIZATION.verifySerialization(delta, true)).isEqualTo(delta);
    assertThat(SERIALIZATION.verifySerialization(done, true)).isEqualTo(done);
  }

  @Test
  void streamEvent_frameOfProviderBytes_roundTripsByteForByte() {
    byte[] sse = "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"delta\":{\"content\":\"你好\"},\"logprobs\":null}]}\n\n"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    StreamEvent back = (StreamEvent) SERIALIZATION.verifySerialization(StreamEvent.frame(sse), false); // byte[]: no value equality

    assertThat(back.frame()).isEqualTo(sse);
    assertThat(back.delta()).isNull();
    assertThat(back.done()).isNull();
  }

  @Test
  void call_forwardStream_roundTripsWithItsUsageWish() {
    byte[] body = "{\"model\":\"m\",\"stream\":true,\"messages\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    WorkerActor.Call call = new WorkerActor.Call(2, new Work.ForwardStream(new io.byzerllm.worker.ForwardedChat("req-2", "m", body, true)),
        KIT.<WorkerReply>createTestProbe().ref());

    WorkerActor.Call back = (WorkerActor.Call) SERIALIZATION.verifySerialization(call, false);

    io.byzerllm.worker.ForwardedChat chat = ((Work.ForwardStream) back.work()).call();
    assertThat(chat.body()).isEqualTo(body);
    assertThat(chat.includeUsage()).isTrue();
    assertThat(chat.requestId()).isEqualTo("req-2");
  }

  @Test
  void call_chatWithToolCallsAndToolResult_roundTrip() {
    var calls = JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode().put("id", "call_1")
        .put("type", "function").set("function", JsonNodeFactory.instance.objectNode().put("name", "mul")
            .put("arguments", "{\"a\":6}")));
    ChatCall chat = new ChatCall("req-1", List.of(ChatMessage.of("user", "6*7?"),
        new ChatMessage("assistant", null, null, false, calls, null, JsonNodeFactory.instance.arrayNode()
            .add(JsonNodeFactory.instance.objectNode().put("type", "redacted_thinking").put("data", "EmwK"))),
        new ChatMessage("tool", TextNode.valueOf("42"), null, false, null, "call_1")), ChatOptions.DEFAULTS);
    WorkerActor.Call call = new WorkerActor.Call(1, new Work.Chat(chat), KIT.<WorkerReply>createTestProbe().ref());

    WorkerActor.Call back = (WorkerActor.Call) SERIALIZATION.verifySerialization(call, true);

    assertThat(((Work.Chat) back.work()).call().messages().get(1).toolCalls().at("/0/function/name").asText())
        .isEqualTo("mul");
    assertThat(((Work.Chat) back.work()).call().messages().get(2).toolCallId()).isEqualTo("call_1");
    assertThat(((Work.Chat) back.work()).call().messages().get(1).thinkingBlocks().at("/0/data").asText()).isEqualTo("EmwK");
    assertThat(((Work.Chat) back.work()).call().messages().get(2).thinkingBlocks()).isNull();
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
