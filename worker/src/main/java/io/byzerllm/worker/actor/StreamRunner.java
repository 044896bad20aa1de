package io.byzerllm.worker.actor;

import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatConventions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.StreamHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;

/**
 * Runs a backend stream into a {@link SourceRef} that may cross nodes. The backend pushes deltas
 * into a bounded buffer; if the reader goes away, or falls so far behind that the buffer fills,
 * the backend call is cancelled rather than left running.
 */
final class StreamRunner {
  private final Materializer materializer;
  private final int buffer;

  StreamRunner(ActorSystem<?> system, int buffer) {
    this.materializer = Materializer.matFromSystem(system);
    this.buffer = buffer;
  }

  /**
   * Starts the stream and hands its ref to {@code onOpened} (on whichever thread) once the first
   * event is ready: a delta, or the end of a stream without any. A backend that fails before that
   * (the provider refused, timed out) never opens the stream, so the caller still gets a status.
   * The returned stage completes when the backend is done (it is what holds the worker's slot).
   */
  CompletionStage<Object> open(ModelBackend backend, ChatCall call, Consumer<StreamOpened> onOpened) {
    Pair<BoundedSourceQueue<StreamEvent>, Source<StreamEvent, NotUsed>> pre =
        Source.<StreamEvent>queue(buffer).preMaterialize(materializer);
    BoundedSourceQueue<StreamEvent> queue = pre.first();
    AtomicReference<StreamHandle> handle = new AtomicReference<>();
    AtomicBoolean readerGone = new AtomicBoolean();
    Source<StreamEvent, NotUsed> events = pre.second().watchTermination((nu, terminated) -> {
      terminated.whenComplete((done, error) -> {
        readerGone.set(true);
        cancel(handle);
      });
      return nu;
    });
    AtomicBoolean opened = new AtomicBoolean();
    // The ref is made only now: a ref nobody subscribes to within its timeout fails, and the first
    // token of a slow model may take longer than that.
    Runnable open = () -> {
      if (opened.compareAndSet(false, true)) {
        onOpened.accept(new StreamOpened(events.runWith(StreamRefs.sourceRef(), materializer)));
      }
    };
    long start = System.nanoTime();
    Consumer<ChatDelta> onDelta = delta -> {
      open.run();
      if (queue.offer(StreamEvent.delta(delta)) != QueueOfferResult.enqueued()) {
        cancel(handle);
      }
    };
    StreamHandle h = ChatConventions.isMediaRequest(call) ? mediaAsOneDelta(backend, call, onDelta)
        : backend.stream(ChatConventions.normalize(call), onDelta);
    handle.set(h);
    if (readerGone.get()) {
      h.cancel().run();
    }
    CompletableFuture<Object> finished = new CompletableFuture<>();
    h.done().whenComplete((ChatResult result, Throwable error) -> {
      try {
        if (error == null) {
          open.run();
        }
        if (opened.get() && !readerGone.get()) {
          queue.offer(error == null ? StreamEvent.done(result, System.nanoTime() - start)
              : StreamEvent.failed(Failure.of(error)));
          queue.complete();
        }
      } finally {
        // Once open, the caller has its answer (the ref) and sees a failure as an event; this stage
        // then only frees the worker's slot and counts the outcome. Before, its failure is the
        // answer. It must complete whatever happened to the reader, or the slot is never freed.
        if (error == null) {
          finished.complete(result);
        } else {
          finished.completeExceptionally(error);
        }
      }
    });
    return finished;
  }

  /** Speech, image and transcription answers are not streamed by providers: they arrive as one delta. */
  private static StreamHandle mediaAsOneDelta(ModelBackend backend, ChatCall call, Consumer<ChatDelta> onDelta) {
    CompletionStage<ChatResult> done = ChatConventions.chat(backend, call).thenApply(r -> {
      onDelta.accept(new ChatDelta(r.content(), null, r.finishReason(), r.usage(), null));
      return r;
    });
    return new StreamHandle(done, () -> {});
  }

  private static void cancel(AtomicReference<StreamHandle> handle) {
    StreamHandle h = handle.get();
    if (h != null) {
      h.cancel().run();
    }
  }
}
