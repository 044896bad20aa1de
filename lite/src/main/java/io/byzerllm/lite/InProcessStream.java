package io.byzerllm.lite;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.client.LlmClientException;
import io.byzerllm.client.internal.ChatEvents;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.openai.ChatResponses;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend stream read in this JVM: the backend pushes deltas (from one thread at a time), the
 * caller takes them as the {@code chat.completion.chunk} bodies a node would send, then the usage
 * chunk when asked for, then the end. A reader that falls {@link #LIMIT} events behind, or closes
 * early, stops the backend's stream rather than leaving it running.
 */
final class InProcessStream implements ChatEvents {
  /** As many events as a node's stream buffer ({@code byzerllm.worker.stream-buffer}) lets a slow reader fall behind. */
  static final int LIMIT = 4096;
  private static final Object END = new Object();

  private final String id;
  private final String model;
  private final long created;
  private final boolean includeUsage;
  private final Duration timeout;
  private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile Runnable cancel = () -> {};
  private volatile boolean closed;
  private boolean first = true;
  private boolean ended;

  InProcessStream(String id, String model, long created, boolean includeUsage, Duration timeout) {
    this.id = id;
    this.model = model;
    this.created = created;
    this.includeUsage = includeUsage;
    this.timeout = timeout;
  }

  /** How to stop the backend's stream; run at once if the reader already left. */
  void cancelWith(Runnable cancel) {
    this.cancel = cancel;
    if (closed) {
      cancel.run();
    }
  }

  /** One delta from the backend; false when the reader is gone or too far behind (the stream is stopped). */
  boolean offer(ChatDelta delta) {
    if (closed) {
      return false;
    }
    if (pending.incrementAndGet() > LIMIT) {
      fail(new LlmException(ErrorKind.UNAVAILABLE, "the reader fell more than " + LIMIT
          + " events behind this stream; it was stopped"));
      cancel.run();
      return false;
    }
    events.add(ChatResponses.chunk(id, model, created, delta, first));
    first = false;
    return true;
  }

  void finish(ChatResult result) {
    if (includeUsage) {
      events.add(ChatResponses.usageChunk(id, model, created, result.usage()));
    }
    events.add(END);
  }

  void fail(Throwable error) {
    events.add(error);
  }

  @Override
  public JsonNode next() {
    if (ended) {
      return null;
    }
    Object event;
    try {
      event = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw LlmClientException.of(new LlmException(ErrorKind.INTERNAL, "interrupted while reading the stream of '"
          + model + "'", e));
    }
    if (event == null) {
      close();
      throw LlmClientException.of(new LlmException(ErrorKind.UPSTREAM_TIMEOUT, "no event from '" + model
          + "' within " + timeout.toSeconds() + "s; give calls more time with withTimeout(...)"));
    }
    if (event == END) {
      ended = true;
      return null;
    }
    if (event instanceof Throwable failure) {
      ended = true;
      throw LlmClientException.of(failure);
    }
    pending.decrementAndGet();
    return (JsonNode) event;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cancel.run();
    }
  }
}
