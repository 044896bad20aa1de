package io.byzerllm.worker.saas;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into Server-Sent Events as the bytes arrive, however the reads split them: an
 * event is the lines before a blank line, each line ended by {@code \n}, {@code \r\n} or {@code \r}.
 * A frame is handed over as its bytes (its lines with their own ends, without the blank line).
 * Each byte is looked at once, so a huge event that comes in many reads costs no more than a small
 * one per byte. Used from one thread at a time.
 */
final class SseFrames {
  private final Consumer<byte[]> onFrame;
  private byte[] buf = new byte[512];
  private int len;         // bytes held: [0, len)
  private int scanned;     // bytes already looked at
  private int lineStart;   // where the line under way began
  private boolean afterCr; // the last byte looked at was a \r (a \n next ends nothing)

  SseFrames(Consumer<byte[]> onFrame) {
    this.onFrame = onFrame;
  }

  /** Takes the next bytes of the stream; every event they complete is handed over, in order. */
  void feed(ByteBuffer bytes) {
    int n = bytes.remaining();
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
    bytes.get(buf, len, n);
    len += n;
    int frameStart = 0;
    for (int i = scanned; i < len; i++) {
      byte b = buf[i];
      if (b == '\n' && afterCr) {
        afterCr = false;
        lineStart = i + 1; // the \n of a \r\n: the line ended at its \r
        if (frameStart == i) {
          frameStart = i + 1;
        }
        continue;
      }
      afterCr = b == '\r';
      if (b != '\n' && b != '\r') {
        continue;
      }
      if (i == lineStart) { // a blank line: the event before it is complete
        if (i > frameStart) {
          onFrame.accept(Arrays.copyOfRange(buf, frameStart, i));
        }
        frameStart = i + 1;
      }
      lineStart = i + 1;
    }
    scanned = len;
    if (frameStart > 0) {
      System.arraycopy(buf, frameStart, buf, 0, len - frameStart);
      len -= frameStart;
      scanned -= frameStart;
      lineStart -= frameStart;
    }
  }

  /** The stream ended: a last event not followed by a blank line still counts. */
  void finish() {
    if (len > 0) {
      byte[] last = Arrays.copyOf(buf, len);
      len = 0;
      scanned = 0;
      lineStart = 0;
      onFrame.accept(last);
    }
  }
}
