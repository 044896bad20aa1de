package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.client.internal.ChatEvents;
import io.byzerllm.deploy.ErrorKind;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A streamed chat answer, read as it arrives: byzerllm's {@code stream_chat_oai} generator as a Java
 * iterator of {@link StreamChunk}s. In delta mode each chunk holds only the new text (and the new
 * reasoning content); otherwise each holds everything so far. The last chunks carry the finish reason
 * and the token counts.
 *
 * <p><b>The caller must close it</b> (try-with-resources), or read it to the end, which closes it;
 * an open stream holds a connection and a worker slot on the cluster. It can be iterated once.
 * A failure after the stream started (the provider broke off, the connection dropped) is thrown as
 * an {@link LlmClientException} from {@link #hasNext()}/{@link #next()}.
 */
public final class ChatStream implements Iterable<StreamChunk>, Iterator<StreamChunk>, AutoCloseable {
  private final ChatEvents events;
  private final boolean deltaMode;
  private final long startNanos;
  private final StringBuilder text = new StringBuilder();
  private final StringBuilder reasoning = new StringBuilder();
  private StreamChunk pending;
  private boolean finished;
  private boolean iterated;
  private int inputTokens;
  private int generatedTokens;
  private String finishReason = "";
  private double firstTokenTime;
  private String requestId = "";

  ChatStream(ChatEvents events, boolean deltaMode, long startNanos) {
    this.events = events;
    this.deltaMode = deltaMode;
    this.startNanos = startNanos;
  }

  /** This stream itself; it can be iterated only once. */
  @Override
  public Iterator<StreamChunk> iterator() {
    if (iterated) {
      throw new IllegalStateException("a ChatStream can be iterated only once");
    }
    iterated = true;
    return this;
  }

  /** The chunks as a {@link Stream}; closing that stream closes this one. */
  public Stream<StreamChunk> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false)
        .onClose(this::close);
  }

  @Override
  public boolean hasNext() {
    if (pending == null && !finished) {
      pending = read();
    }
    return pending != null;
  }

  @Override
  public StreamChunk next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the stream has ended");
    }
    StreamChunk out = pending;
    pending = null;
    return out;
  }

  /** Everything the model said so far (the cumulative text, whatever the mode). */
  public String textSoFar() {
    return text.toString();
  }

  /** Stops reading and releases the connection; safe to call more than once. */
  @Override
  public void close() {
    finished = true;
    events.close();
  }

  private StreamChunk read() {
    try {
      for (JsonNode event = events.next(); event != null; event = events.next()) {
        StreamChunk chunk = chunkOf(event);
        if (chunk != null) {
          return chunk;
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    close();
    return null;
  }

  /** Folds one event into the totals; null when it carries nothing a caller sees. */
  private StreamChunk chunkOf(JsonNode event) {
    JsonNode error = event.path("error");
    if (!error.isMissingNode() && !error.isNull()) {
      throw streamError(error);
    }
    requestId = event.path("id").asText(requestId);
    JsonNode choice = event.path("choices").path(0);
    String content = choice.path("delta").path("content").asText("");
    String thought = choice.path("delta").path("reasoning_content").asText("");
    String finish = choice.path("finish_reason").asText("");
    JsonNode usage = event.path("usage");
    boolean hasUsage = usage.isObject();
    if (hasUsage) {
      inputTokens = usage.path("prompt_tokens").asInt(inputTokens);
      generatedTokens = usage.path("completion_tokens").asInt(generatedTokens);
    }
    if (!finish.isEmpty()) {
      finishReason = finish;
    }
    if (content.isEmpty() && thought.isEmpty() && finish.isEmpty() && !hasUsage) {
      return null;
    }
    if ((!content.isEmpty() || !thought.isEmpty()) && firstTokenTime == 0) {
      firstTokenTime = (System.nanoTime() - startNanos) / 1e9;
    }
    text.append(content);
    reasoning.append(thought);
    SingleOutputMeta meta = new SingleOutputMeta(inputTokens, generatedTokens,
        deltaMode ? thought : reasoning.toString(), finishReason, firstTokenTime, Map.of("request_id", requestId));
    return new StreamChunk(deltaMode ? content : text.toString(), meta);
  }

  private static LlmClientException streamError(JsonNode error) {
    String message = error.isObject() ? error.path("message").asText("the stream failed") : error.asText();
    String type = error.isObject() ? error.path("type").asText(null) : null;
    ErrorKind kind = type == null ? ErrorKind.UPSTREAM : ErrorKind.fromType(type);
    return new LlmClientException(kind, kind.status(), message, type, null, null);
  }
}
