package io.byzerllm.client.prompt;

import io.byzerllm.client.ChatStream;
import io.byzerllm.client.StreamChunk;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A prompt function's streamed answer: the text deltas (empty chunks skipped, the return prefix first).
 * Closing it closes the HTTP stream; reading it to the end closes it too. Every chunk's metadata goes
 * to the {@link MetaHolder}, if any.
 */
public final class TextStream implements Iterator<String>, AutoCloseable {
  private final ChatStream chat;
  private final MetaHolder meta;
  private final StringBuilder reasoning = new StringBuilder();
  private String pending;

  /** Wraps a delta-mode {@code chat} stream; {@code prefix} (may be null) comes first; {@code meta} may be null. */
  public TextStream(ChatStream chat, String prefix, MetaHolder meta) {
    this.chat = chat;
    this.meta = meta;
    this.pending = prefix == null || prefix.isEmpty() ? null : prefix;
  }

  @Override
  public boolean hasNext() {
    while (pending == null && chat.hasNext()) {
      StreamChunk chunk = chat.next();
      reasoning.append(chunk.meta().reasoningContent());
      if (meta != null) {
        meta.set(chunk.meta(), reasoning.toString());
      }
      if (!chunk.text().isEmpty()) {
        pending = chunk.text();
      }
    }
    return pending != null;
  }

  @Override
  public String next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the answer has ended");
    }
    String out = pending;
    pending = null;
    return out;
  }

  /** The deltas as a {@link Stream}; closing the stream closes the HTTP stream. */
  public Stream<String> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false)
        .onClose(this::close);
  }

  @Override
  public void close() {
    chat.close();
  }
}
