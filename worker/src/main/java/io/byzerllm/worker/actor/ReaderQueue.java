package io.byzerllm.worker.actor;

import java.util.ArrayDeque;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A stream's events on their way to a reader whose stream materializes the queue itself (fused into
 * the HTTP response, or into a stream ref), so no graph of its own runs between the backend and the
 * reader. Events that come before the reader materializes it wait here, within the same bound.
 * Thread-safe: the backend offers from its threads while the reader attaches from its own.
 */
public final class ReaderQueue {
  private final int capacity;
  private final ArrayDeque<StreamEvent> early = new ArrayDeque<>();
  private BoundedSourceQueue<StreamEvent> queue; // guarded by this
  private boolean completed;                     // guarded by this: ended before the reader came
  private Throwable failure;                     // guarded by this: failed before the reader came

  public ReaderQueue(int capacity) {
    this.capacity = capacity;
  }

  /** The events, for one reader to run. */
  public Source<StreamEvent, NotUsed> source() {
    return Source.<StreamEvent>queue(capacity).mapMaterializedValue(q -> {
      attach(q);
      return NotUsed.getInstance();
    });
  }

  private synchronized void attach(BoundedSourceQueue<StreamEvent> q) {
    for (StreamEvent e : early) {
      q.offer(e);
    }
    early.clear();
    if (failure != null) {
      q.fail(failure);
    } else if (completed) {
      q.complete();
    }
    queue = q;
  }

  /** False: the reader is a whole buffer behind (or gone). */
  public synchronized boolean offer(StreamEvent event) {
    if (queue != null) {
      return queue.offer(event) == QueueOfferResult.enqueued();
    }
    if (early.size() >= capacity) {
      return false;
    }
    early.add(event);
    return true;
  }

  /** Ends the events; a no-op when the reader already went away (it cancelled, or read the last event and stopped). */
  public synchronized void complete() {
    if (queue == null) {
      completed = true;
    } else {
      endQuietly(queue::complete);
    }
  }

  public synchronized void fail(Throwable error) {
    if (queue == null) {
      failure = error;
    } else {
      endQuietly(() -> queue.fail(error));
    }
  }

  /** Pekko's queue throws when it has ended already, which it has when its reader went away: nothing is left to end. */
  private static void endQuietly(Runnable end) {
    try {
      end.run();
    } catch (IllegalStateException readerGone) {
      // the reader's stream is over either way
    }
  }
}
