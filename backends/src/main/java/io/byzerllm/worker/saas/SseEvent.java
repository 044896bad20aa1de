package io.byzerllm.worker.saas;

import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Event read as text, for a stream that is translated: its {@code event:} name (or
 * null) and its {@code data:} lines joined by {@code \n}, the SSE rule. Other fields ({@code id:},
 * {@code retry:}) and comments carry nothing a translation uses.
 */
record SseEvent(String event, String data) {

  /** The event of a frame ({@link SseFrames}), or null when it has no data (a comment or keep-alive). */
  static SseEvent of(byte[] frame) {
    String text = new String(frame, StandardCharsets.UTF_8);
    StringBuilder data = null;
    String event = null;
    int at = 0;
    while (at < text.length()) {
      int end = at;
      while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
        end++;
      }
      if (text.startsWith("data:", at)) {
        if (data == null) {
          data = new StringBuilder(end - at);
        } else {
          data.append('\n');
        }
        data.append(text, valueStart(text, at + 5, end), end);
      } else if (text.startsWith("event:", at)) {
        event = text.substring(valueStart(text, at + 6, end), end);
      }
      at = end < text.length() && text.charAt(end) == '\r' && end + 1 < text.length() && text.charAt(end + 1) == '\n'
          ? end + 2 : end + 1;
    }
    return data == null ? null : new SseEvent(event, data.toString());
  }

  /** Where a field's value begins: after the one optional space that follows the colon. */
  private static int valueStart(String text, int colonEnd, int lineEnd) {
    return colonEnd < lineEnd && text.charAt(colonEnd) == ' ' ? colonEnd + 1 : colonEnd;
  }
}
