package io.byzerllm.worker.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ForwardedChat;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.StreamHandle;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StreamRunnerTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final Materializer MAT = Materializer.matFromSystem(KIT.system());
  static final ChatCall CALL = new ChatCall("r1", List.of(ChatMessage.of("user", "hi")), ChatOptions.DEFAULTS);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  /** A provider that sends {@code deltas} pieces at once, faster than anyone reads. */
  private static ModelBackend burst(int deltas) {
    return new ModelBackend() {
      public Set<Capability> capabilities() {
        return EnumSet.of(Capability.STREAM);
      }

      public Map<String, Object> describe() {
        return Map.of();
      }

      @Override
      public StreamHandle stream(ChatCall call, Consumer<ChatDelta> onDelta) {
        for (int i = 0; i < deltas; i++) {
          onDelta.accept(new ChatDelta("w" + i + " ", null, null, null, null));
        }
        return new StreamHandle(CompletableFuture.completedFuture(
            new ChatResult("r1", "all", null, "stop", null, "up", null, 0)), () -> {});
      }

      @Override
      public StreamHandle forwardStream(ForwardedChat call, Consumer<byte[]> onFrame) {
        for (int i = 0; i < deltas; i++) {
          onFrame.accept(("data: {\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
        }
        return new StreamHandle(CompletableFuture.completedFuture(
            new ChatResult("r1", "", null, "stop", null, "up", null, 0)), () -> {});
      }

      public void close() {}
    };
  }

  @Test
  void open_readerKeepsUp_allDeltasThenTheEnd() throws Exception {
    StreamRunner.Running running = new StreamRunner(64).open(burst(10), new Work.Stream(CALL));

    List<StreamEvent> events = running.opened().get(5, TimeUnit.SECONDS).runWith(Sink.seq(), MAT)
        .toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(events).hasSize(11);
    assertThat(events.get(10).done()).isNotNull();
    assertThat(running.finished().get(5, TimeUnit.SECONDS).finishReason()).isEqualTo("stop");
  }

  @Test
  void open_readerFallsAWholeBufferBehind_streamFailsWithAnErrorInsteadOfStopping() throws Exception {
    StreamRunner.Running running = new StreamRunner(8).open(burst(50), new Work.Stream(CALL));

    var read = running.opened().get(5, TimeUnit.SECONDS).runWith(Sink.seq(), MAT).toCompletableFuture();

    assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(LlmException.class).hasMessageContaining("fell more than 8 events behind");
  }

  private static final Work FORWARD = new Work.ForwardStream(new ForwardedChat("r1", "m",
      "{\"model\":\"m\",\"stream\":true,\"messages\":[]}".getBytes(StandardCharsets.UTF_8), false));

  @Test
  void open_forwardedStreamReaderKeepsUp_allFramesAsTheyCameThenTheEnd() throws Exception {
    StreamRunner.Running running = new StreamRunner(64).open(burst(10), FORWARD);

    List<StreamEvent> events = running.opened().get(5, TimeUnit.SECONDS).runWith(Sink.seq(), MAT)
        .toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(events).hasSize(11);
    assertThat(new String(events.get(3).frame(), StandardCharsets.UTF_8)).isEqualTo("data: {\"n\":3}\n\n");
    assertThat(events.get(10).done().finishReason()).isEqualTo("stop");
  }

  @Test
  void open_forwardedStreamReaderFallsAWholeBufferBehind_streamFailsWithAnError() throws Exception {
    StreamRunner.Running running = new StreamRunner(8).open(burst(50), FORWARD);

    var read = running.opened().get(5, TimeUnit.SECONDS).runWith(Sink.seq(), MAT).toCompletableFuture();

    assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(LlmException.class).hasMessageContaining("fell more than 8 events behind");
  }
}
