package io.byzerllm.worker.saas;

import io.byzerllm.worker.ChatDelta;

/**
 * Reads the events of one streamed answer in a provider's framing. Called from one thread at a time,
 * in order; may keep state between events (e.g. the prompt tokens of a first event).
 */
interface ChunkReader {

  /** What one SSE event ({@code event} may be null) means. */
  Chunk read(String event, String data);

  /** What an event means for the stream. */
  sealed interface Chunk {
    /** New text, reasoning, tool-call fragments, finish reason or usage (any may be absent); {@code model} may be null. */
    record Delta(ChatDelta delta, String model) implements Chunk {}

    /** The provider's end-of-stream marker ({@code [DONE]}, {@code message_stop}). */
    record Done() implements Chunk, StreamReading.Step {}

    /** An error event after the stream began, with the provider's message. */
    record Failed(String message) implements Chunk, StreamReading.Step {}

    /** An event that carries nothing for the caller (a ping, a block start, a keep-alive). */
    record Nothing() implements Chunk, StreamReading.Step {}

    Done DONE = new Done();
    Nothing NOTHING = new Nothing();
  }
}
