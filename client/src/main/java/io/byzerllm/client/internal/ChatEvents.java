package io.byzerllm.client.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The events of a streamed chat, each a {@code chat.completion.chunk} body (or an {@code error}
 * body), read one at a time by one thread. Not API; see {@link Gateway}.
 */
public interface ChatEvents extends AutoCloseable {

  /**
   * The next event; null once the stream ended as it should. Blocks until one is ready. A stream that
   * broke off (connection lost, provider failed) throws an {@link io.byzerllm.client.LlmClientException}.
   */
  JsonNode next();

  /** Stops the stream and releases what it holds; safe to call more than once. */
  @Override
  void close();
}
