package io.byzerllm.worker.saas;

import io.byzerllm.worker.ChatResult;

/**
 * What one stream makes of its provider's events and hands its caller: deltas for a stream that is
 * translated ({@link TranslatedReading}), the provider's own frames for one passed on as bytes
 * ({@link ForwardedReading}). {@link UpstreamStream} owns the rest (deadlines, retries, cancelling,
 * the order of what is delivered). Called from one thread at a time.
 */
interface StreamReading {

  /** What one SSE event (its frame, {@link SseFrames}) means for the stream. */
  Step event(byte[] frame);

  /** A whole JSON answer to a stream request (a provider that ignored {@code stream}), errors excluded. */
  Step.Deliver whole(byte[] body);

  /** Whether the answer finished (a finish reason came): a body that ends without {@code [DONE]} is then complete. */
  boolean finished();

  /** The end of the stream as {@code done} reports it. */
  ChatResult result(String requestId, double firstTokenMillis);

  /**
   * What an event means for the stream: something for the caller, or, as a wire's events mean
   * them, the end ({@link ChunkReader.Chunk.Done}), a failure or nothing.
   */
  sealed interface Step permits Step.Deliver, ChunkReader.Chunk.Done, ChunkReader.Chunk.Failed, ChunkReader.Chunk.Nothing {
    /**
     * Something for the caller: {@code handOver} gives it (called only while the stream is under
     * way); {@code token} says whether it carries the answer's text (the first one times the first token).
     */
    record Deliver(Runnable handOver, boolean token) implements Step {}
  }
}
