package io.byzerllm.server.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ForwardedAnswer;
import io.byzerllm.worker.ForwardedChat;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.actor.WorkerReply;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LinkFramesTest {
  static final ActorTestKit KIT = ActorTestKit.create();
  static final LinkFrames FRAMES = LinkFrames.of(KIT.system(), 1024 * 1024);

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static DataInputStream in(byte[]... frames) {
    int size = 0;
    for (byte[] f : frames) {
      size += f.length;
    }
    byte[] all = new byte[size];
    int at = 0;
    for (byte[] f : frames) {
      System.arraycopy(f, 0, all, at, f.length);
      at += f.length;
    }
    return new DataInputStream(new ByteArrayInputStream(all));
  }

  @Test
  void call_forwardedChat_readsBackWithItsBytes() throws IOException {
    byte[] body = "{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    LinkCall call = new LinkCall(42, "worker-m-g1-0", new Work.Forward(new ForwardedChat("req-1", "m", body)));

    DataInputStream in = in(FRAMES.frame(call));
    LinkCall back = FRAMES.call(FRAMES.read(in));

    assertThat(back.id()).isEqualTo(42);
    assertThat(back.worker()).isEqualTo("worker-m-g1-0");
    assertThat(((Work.Forward) back.work()).call().body()).isEqualTo(body);
    assertThat(FRAMES.read(in)).as("a clean end between frames").isNull();
  }

  @Test
  void replies_progressThenAnswer_readBackInOrder() throws IOException {
    WorkerReply queued = WorkerReply.progress(7, WorkerReply.Progress.QUEUED);
    WorkerReply answer = WorkerReply.ok(7, new EmbeddingResult(List.of(new float[] {0.25f, -1f}), null, 0, "up-m"), 1_000, 2_000);

    DataInputStream in = in(FRAMES.frame(LinkAnswer.of(queued)), FRAMES.frame(LinkAnswer.of(answer)));
    WorkerReply first = FRAMES.answer(FRAMES.read(in)).reply();
    WorkerReply second = FRAMES.answer(FRAMES.read(in)).reply();

    assertThat(first.isProgress()).isTrue();
    assertThat(first.progress()).isEqualTo(WorkerReply.Progress.QUEUED);
    assertThat(((EmbeddingResult) second.value()).vectors().get(0)).containsExactly(0.25f, -1f);
    assertThat(second.backendNanos()).isEqualTo(1_000);
    assertThat(second.queueNanos()).isEqualTo(2_000);
  }

  @Test
  void streamFrames_eventThenEnd_readBackAsSuch() throws IOException {
    byte[] sse = "data: {\"choices\":[]}\n\n".getBytes(StandardCharsets.UTF_8);

    DataInputStream in = in(FRAMES.frame(LinkAnswer.of(io.byzerllm.worker.actor.StreamEvent.frame(sse))),
        FRAMES.frame(LinkAnswer.streamEnd()));
    LinkAnswer event = FRAMES.answer(FRAMES.read(in));
    LinkAnswer end = FRAMES.answer(FRAMES.read(in));

    assertThat(event.event().frame()).isEqualTo(sse);
    assertThat(event.reply()).isNull();
    assertThat(end.end()).isTrue();
    assertThat(end.event()).isNull();
  }

  @Test
  void frame_overTheLimit_isRefusedNamingTheSetting() {
    WorkerReply huge = WorkerReply.ok(1, new ForwardedAnswer(new byte[2 * 1024 * 1024]), 0);

    assertThatThrownBy(() -> FRAMES.frame(huge)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("byzerllm.server.link.max-frame-size");
  }

  @Test
  void read_lengthOverTheLimit_failsWithoutAllocatingIt() {
    DataInputStream in = in(new byte[] {0x7f, 0, 0, 0, 1, 2, 3});

    assertThatThrownBy(() -> FRAMES.read(in)).isInstanceOf(IOException.class).hasMessageContaining("over the node link's limit");
  }

  @Test
  void read_endInsideAFrame_failsRatherThanReturningPart() {
    byte[] frame = FRAMES.frame(WorkerReply.progress(3, WorkerReply.Progress.STARTED));
    byte[] cut = java.util.Arrays.copyOf(frame, frame.length - 1);

    assertThatThrownBy(() -> FRAMES.read(in(cut))).isInstanceOf(IOException.class);
  }
}
