package io.byzerllm.worker.actor;

import io.byzerllm.worker.CborSerializable;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;

/**
 * One element of a streamed answer as it crosses nodes: a delta, or a frame (SSE events of a
 * forwarded stream, the provider's bytes, ready for the caller), or the end (the result and the
 * time the backend took; a forwarded stream's result has no text), or a failure. Exactly one field
 * is set. It crosses nodes inside a stream ref, so it must serialize like every other cluster message.
 */
public record StreamEvent(ChatDelta delta, ChatResult done, Failure failure, long backendNanos, byte[] frame)
    implements CborSerializable {
  public static StreamEvent delta(ChatDelta d) {
    return new StreamEvent(d, null, null, 0, null);
  }

  public static StreamEvent frame(byte[] sse) {
    return new StreamEvent(null, null, null, 0, sse);
  }

  public static StreamEvent done(ChatResult r, long backendNanos) {
    return new StreamEvent(null, r, null, backendNanos, null);
  }

  public static StreamEvent failed(Failure f) {
    return new StreamEvent(null, null, f, 0, null);
  }
}
