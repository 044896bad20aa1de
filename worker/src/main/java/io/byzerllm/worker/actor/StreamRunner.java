package io.byzerllm.worker.actor;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.ChatConventions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.StreamHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Runs a backend stream into a {@link Source} of events. The backend pushes deltas into a bounded
 * buffer; if the reader goes away, or falls so far behind that the buffer fills, the backend call
 * is cancelled rather than left running.
 */
final class StreamRunner {
  private final int buffer;

  StreamRunner(int buffer) {
    this.buffer = buffer;
  }

  /** A stream under way: {@code opened} completes with its events; {@code finished} when the backend is done. */
  record Running(CompletableFuture<Source<StreamEvent, NotUsed>> opened, CompletableFuture<ChatResult> finished,
                 Runnable cancel) {}

  /**
   * Starts the stream. {@code opened} completes once the first event is ready (a delta, or the end
   * of a stream without any) with a source the caller must run at once; a backend that fails before
   * that (the provider refused, timed out) fails {@code opened}, so the caller still gets a status.
   * The source is materialized by the reader's own stream (no graph of ours in between, and no
   * subscription timeout to meet however long the first token takes).
   * {@code finished} completes whatever happened to the reader (it is what holds the worker's slot).
   */
  Running open(ModelBackend backend, Work work) {
    if (work instanceof Work.ForwardStream f) {
      return open(events -> backend.forwardStream(f.call(), frame -> events.accept(StreamEvent.frame(frame))));
    }
    Work.Stream s = (Work.Stream) work;
    return open(events -> ChatConventions.stream(backend, s.call(), delta -> events.accept(StreamEvent.delta(delta))));
  }

  /** Starts a backend stream that hands its events to the consumer it is given. */
  private Running open(Function<Consumer<StreamEvent>, StreamHandle> begin) {
    CompletableFuture<Source<StreamEvent, NotUsed>> opened = new CompletableFuture<>();
    CompletableFuture<ChatResult> finished = new CompletableFuture<>();
    ReaderQueue queue = new ReaderQueue(buffer);
    AtomicReference<StreamHandle> handle = new AtomicReference<>();
    AtomicBoolean readerGone = new AtomicBoolean();
    Runnable cancel = () -> {
      readerGone.set(true);
      StreamHandle h = handle.get();
      if (h != null) {
        h.cancel().run();
      }
    };
    Runnable open = () -> {
      if (!opened.isDone()) {
        opened.complete(queue.source().watchTermination((nu, terminated) -> {
          terminated.whenComplete((done, error) -> cancel.run());
          return nu;
        }));
      }
    };
    long start = System.nanoTime();
    Consumer<StreamEvent> onEvent = event -> {
      if (!queue.offer(event) && !readerGone.get()) {
        // The reader fell a whole buffer behind: stop the provider, and fail the stream so the
        // caller sees an error rather than an answer that simply stops.
        queue.fail(new LlmException(ErrorKind.UNAVAILABLE, "the reader fell more than " + buffer
            + " events behind this stream; it was stopped"));
        cancel.run();
      }
      open.run();
    };
    StreamHandle h;
    try {
      h = begin.apply(onEvent);
    } catch (RuntimeException e) {
      h = new StreamHandle(CompletableFuture.failedFuture(e), () -> {});
    }
    handle.set(h);
    if (readerGone.get()) {
      h.cancel().run();
    }
    h.done().whenComplete((ChatResult result, Throwable error) -> {
      try {
        if (error != null && !opened.isDone()) {
          opened.completeExceptionally(error); // nothing streamed yet: the caller gets a status
        } else if (!readerGone.get()) {
          queue.offer(error == null ? StreamEvent.done(result, System.nanoTime() - start) : StreamEvent.failed(Failure.of(error)));
          queue.complete();
          open.run();
        }
      } finally {
        if (error == null) {
          finished.complete(result);
        } else {
          finished.completeExceptionally(error);
        }
      }
    });
    return new Running(opened, finished, cancel);
  }
}
