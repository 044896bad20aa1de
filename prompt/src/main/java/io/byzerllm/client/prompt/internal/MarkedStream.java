package io.byzerllm.client.prompt.internal;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.ChatStream;
import io.byzerllm.client.Message;
import io.byzerllm.client.StreamChunk;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The streaming form of the response-markers continuation (byzerllm's generator variant): streams the
 * first answer, then each continuation, as one sequence of deltas with the markers removed. Text that
 * could be the start of a marker is held back until the next delta shows whether it is one.
 */
final class MarkedStream implements Iterator<String>, AutoCloseable {
  private enum State { BEFORE_START, BODY, ENDED }

  private final ByzerLLM llm;
  private final PromptSpec spec;
  private final Continuation markers;
  private final List<Object> messages;
  private final StringBuilder reply = new StringBuilder();
  private final StringBuilder buffer = new StringBuilder();
  private final StringBuilder reasoning = new StringBuilder();
  private ChatStream current;
  private int turns;
  private State state = State.BEFORE_START;
  private String pending;

  MarkedStream(ByzerLLM llm, PromptSpec spec, List<Object> firstMessages) {
    this.llm = llm;
    this.spec = spec;
    this.markers = spec.continuation();
    this.messages = new ArrayList<>(firstMessages);
    this.current = open();
  }

  @Override
  public boolean hasNext() {
    while (pending == null && (current != null || buffer.length() > 0)) {
      if (current == null) {
        pending = take(buffer.length()); // everything held back, once the answer is over
      } else if (current.hasNext()) {
        StreamChunk chunk = current.next();
        reasoning.append(chunk.meta().reasoningContent());
        if (spec.meta() != null) {
          spec.meta().set(chunk.meta(), reasoning.toString());
        }
        reply.append(chunk.text());
        accept(chunk.text());
      } else {
        nextTurn();
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

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
    buffer.setLength(0);
  }

  private void accept(String delta) {
    if (state == State.ENDED) {
      return;
    }
    buffer.append(delta);
    if (state == State.BEFORE_START) {
      String seen = buffer.toString().stripLeading();
      if (seen.startsWith(markers.start())) {
        buffer.setLength(0);
        buffer.append(seen.substring(markers.start().length()));
        state = State.BODY;
      } else if (markers.start().startsWith(seen)) {
        return; // maybe the marker, not complete yet
      } else {
        state = State.BODY; // the model did not write the start marker: all of it is the answer
      }
    }
    int end = buffer.indexOf(markers.end());
    if (end >= 0) {
      buffer.setLength(end);
      state = State.ENDED;
      pending = emptyToNull(take(buffer.length()));
      return; // the rest of this answer is read but not shown, so the metadata (finish, usage) is final
    }
    pending = emptyToNull(take(Math.max(0, buffer.length() - (markers.end().length() - 1))));
  }

  private void nextTurn() {
    current.close();
    current = null;
    turns++;
    if (state != State.ENDED && turns < markers.maxTurns()) {
      messages.add(Message.assistant(reply.toString()));
      messages.add(Message.user(markers.continuePrompt()));
      reply.setLength(0);
      current = open();
    }
  }

  private ChatStream open() {
    return llm.streamChatOai(spec.model(), messages, true, spec.callConfig());
  }

  private String take(int n) {
    String out = buffer.substring(0, n);
    buffer.delete(0, n);
    return out;
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
