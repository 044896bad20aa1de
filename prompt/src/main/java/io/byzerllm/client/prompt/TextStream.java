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
 * <b>Close it</b> unless you read it to the end: closing it closes the HTTP stream. Every chunk's
 * metadata goes to the {@link MetaHolder}, if any. Not thread-safe; iterate it once.
 */
public final class TextStream implements Iterator<String>, AutoCloseable {
  private final Iterator<String> source;
  private final Runnable onClose;
  private String pending;

  private TextStream(Iterator<String> source, Runnable onClose, String first) {
    this.source = source;
    this.onClose = onClose;
    this.pending = first == null || first.isEmpty() ? null : first;
  }

  /** The deltas of a delta-mode {@code chat} stream; {@code prefix} (may be null) comes first; {@code meta} may be null. */
  public static TextStream of(ChatStream chat, String prefix, MetaHolder meta) {
    StringBuilder reasoning = new StringBuilder();
    Iterator<String> texts = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return chat.hasNext();
      }

      @Override
      public String next() {
        StreamChunk chunk = chat.next();
        reasoning.append(chunk.meta().reasoningContent());
        if (meta != null) {
          meta.set(chunk.meta(), reasoning.toString());
        }
        return chunk.text();
      }
    };
    return new TextStream(texts, chat::close, prefix);
  }

  /** Deltas from any source; {@code onClose} releases what the source holds. */
  public static TextStream of(Iterator<String> deltas, Runnable onClose) {
    return new TextStream(deltas, onClose, null);
  }

  @Override
  public boolean hasNext() {
    while (pending == null && source.hasNext()) {
      String text = source.next();
      if (!text.isEmpty()) {
        pending = text;
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
    onClose.run();
  }
}
