package io.byzerllm.worker.saas;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Reads Server-Sent Events from a response body as its bytes arrive, holding no thread while it
 * waits: each event is reported as its frame of bytes ({@link SseFrames}), one read is requested at
 * a time, and {@link #cancel()} closes the connection. No bytes are decoded here: a stream passed
 * on as it came never becomes text.
 */
final class SseFrameReader implements Flow.Subscriber<List<ByteBuffer>> {
  /** What the reader reports, always from one thread at a time. */
  interface Listener {
    /** Bytes arrived, a comment or keep-alive included. */
    void onActivity();

    /** One event: its lines with their own line ends, without the blank line that ended it. */
    void onFrame(byte[] frame);

    /** The body ended normally. */
    void onEnd();

    void onError(Throwable failure);
  }

  private final Listener listener;
  private final SseFrames frames;
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;

  SseFrameReader(Listener listener) {
    this.listener = listener;
    this.frames = new SseFrames(this::dispatch);
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
  public void onNext(List<ByteBuffer> buffers) {
    try {
      listener.onActivity();
      for (ByteBuffer b : buffers) {
        if (cancelled) {
          return;
        }
        frames.feed(b);
      }
    } finally {
      Flow.Subscription s = subscription;
      if (!cancelled && s != null) {
        s.request(1);
      }
    }
  }

  private void dispatch(byte[] frame) {
    if (!cancelled) {
      listener.onFrame(frame);
    }
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
      frames.finish(); // a last event not followed by a blank line still counts
      if (!cancelled) {
        listener.onEnd();
      }
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
