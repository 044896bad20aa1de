package io.byzerllm.worker.saas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SseFramesTest {
  private final List<String> frames = new ArrayList<>();
  private final SseFrames splitter = new SseFrames(f -> frames.add(new String(f, StandardCharsets.UTF_8)));

  @Test
  void feed_eventsSplitAcrossReadsByteByByte_eachEventWhole() {
    String stream = "data: {\"a\":1}\n\ndata: {\"b\":\"x y\"}\n\n";

    for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
      splitter.feed(ByteBuffer.wrap(new byte[] {b}));
    }

    assertThat(frames).containsExactly("data: {\"a\":1}\n", "data: {\"b\":\"x y\"}\n");
  }

  @Test
  void feed_crlfAndBareCrLineEnds_sameEventsAsLf() {
    feedInPieces("data: one\r\n\r\ndata: two\r\rdata: three\n\n", 3);

    assertThat(frames).containsExactly("data: one\r\n", "data: two\r", "data: three\n");
  }

  @Test
  void feed_crlfBlankLineSplitBetweenItsCrAndLf_noEmptyEventAndNextEventIntact() {
    splitter.feed(utf8("data: one\r\n\r"));
    splitter.feed(utf8("\ndata: two\r\n\r\n"));

    assertThat(frames).containsExactly("data: one\r\n", "data: two\r\n");
  }

  @Test
  void feed_multiLineDataAndComments_oneFramePerBlankLine() {
    feedInPieces(": keep-alive\n\nevent: message\ndata: {\"a\":\ndata: 1}\n\n\n\n", 5);

    assertThat(frames).containsExactly(": keep-alive\n", "event: message\ndata: {\"a\":\ndata: 1}\n");
  }

  @Test
  void finish_lastEventWithoutBlankLine_stillHandedOver() {
    splitter.feed(utf8("data: a\n\ndata: [DONE]"));
    splitter.finish();

    assertThat(frames).containsExactly("data: a\n", "data: [DONE]");
  }

  @Test
  void feed_hugeEventInManySmallReads_arrivesWholeAndAlone() {
    String big = "x".repeat(8 * 1024 * 1024);
    byte[] stream = ("data: " + big + "\n\ndata: after\n\n").getBytes(StandardCharsets.UTF_8);

    for (int at = 0; at < stream.length; at += 1000) {
      splitter.feed(ByteBuffer.wrap(stream, at, Math.min(1000, stream.length - at)));
    }

    assertThat(frames).hasSize(2);
    assertThat(frames.get(0)).hasSize(big.length() + 7).startsWith("data: xxx").endsWith("x\n");
    assertThat(frames.get(1)).isEqualTo("data: after\n");
  }

  private void feedInPieces(String stream, int piece) {
    byte[] b = stream.getBytes(StandardCharsets.UTF_8);
    for (int at = 0; at < b.length; at += piece) {
      splitter.feed(ByteBuffer.wrap(b, at, Math.min(piece, b.length - at)));
    }
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }
}
