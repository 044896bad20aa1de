package io.byzerllm.worker.saas;

import java.util.concurrent.Flow;

/**
 * Reads Server-Sent Events from the lines of a response as they arrive, holding no thread while it
 * waits: {@code data:} lines are joined and dispatched at each blank line (the SSE rule), one line
 * is requested at a time, and {@link #cancel()} closes the connection.
 */
final class SseReader implements Flow.Subscriber<String> {
  /** What the reader reports, always from one thread at a time. */
  interface Listener {
    /** Any line arrived, a comment or keep-alive included. */
    void onActivity();

    /** One event; {@code event} is the {@code event:} field or null. */
    void onEvent(String event, String data);

    /** The body ended normally. */
    void onEnd();

    void onError(Throwable failure);
  }

  private final Listener listener;
  private final StringBuilder data = new StringBuilder();
  private String event;
  private boolean hasData;
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;

  SseReader(Listener listener) {
    this.listener = listener;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (cancelled) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(String line) {
    try {
      listener.onActivity();
      accept(line);
    } finally {
      Flow.Subscription s = subscription;
      if (!cancelled && s != null) {
        s.request(1);
      }
    }
  }

  private void accept(String line) {
    if (line.isEmpty()) {
      dispatch();
    } else if (line.startsWith("data:")) {
      if (hasData) {
        data.append('\n');
      }
      data.append(field(line, 5));
      hasData = true;
    } else if (line.startsWith("event:")) {
      event = field(line, 6);
    }
    // other fields (id:, retry:) and comments (":" keep-alives) carry nothing we use
  }

  private void dispatch() {
    if (hasData && !cancelled) {
      String payload = data.toString();
      String name = event;
      data.setLength(0);
      hasData = false;
      event = null;
      listener.onEvent(name, payload);
    } else {
      event = null;
    }
  }

  /** The field's value without the one optional space after the colon. */
  private static String field(String line, int colonEnd) {
    return line.length() > colonEnd && line.charAt(colonEnd) == ' ' ? line.substring(colonEnd + 1) : line.substring(colonEnd);
  }

  @Override
  public void onError(Throwable failure) {
    if (!cancelled) {
      listener.onError(failure);
    }
  }

  @Override
  public void onComplete() {
    if (!cancelled) {
      dispatch(); // a last event not followed by a blank line still counts
      listener.onEnd();
    }
  }

  /** Stops reading and closes the connection; no more events are reported. Safe to call more than once. */
  void cancel() {
    cancelled = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }
}
