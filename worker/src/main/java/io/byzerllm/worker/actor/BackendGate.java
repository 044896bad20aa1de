package io.byzerllm.worker.actor;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.ModelBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Where one node's backends are opened and closed. Local models load and free native memory
 * there, and a JVM that exits under a native load (its native libraries' teardown racing the
 * load) crashes. So a stopping node {@link #shut shuts} the gate: opens that have not begun are
 * refused with {@code UNAVAILABLE}, closes are always let through, and {@link #whenIdle} tells the
 * node when the opens under way and every close have finished, so its JVM exits only then.
 */
public final class BackendGate {
  private boolean shut;
  private int busy;
  private final List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();

  /** Opens a backend (blocking, on the caller's thread) unless the node is stopping. */
  public ModelBackend open(Supplier<ModelBackend> opener) {
    synchronized (this) {
      if (shut) {
        throw new LlmException(ErrorKind.UNAVAILABLE, "the node is stopping; the worker was not started "
            + "(it is placed again on a node that runs)");
      }
      busy++;
    }
    try {
      return opener.get();
    } finally {
      done();
    }
  }

  /** Counts a backend's close from now until it has released what it holds. Never refused. */
  public void closing(ModelBackend backend) {
    synchronized (this) {
      busy++;
    }
    backend.released().whenComplete((ok, error) -> done());
  }

  /** From now on no backend opens on this node. */
  public synchronized void shut() {
    shut = true;
  }

  /** Completes when no open or close is under way (at once if none is). */
  public synchronized CompletionStage<Void> whenIdle() {
    if (busy == 0) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> idle = new CompletableFuture<>();
    idleWaiters.add(idle);
    return idle;
  }

  private void done() {
    List<CompletableFuture<Void>> waiting;
    synchronized (this) {
      if (--busy > 0) {
        return;
      }
      waiting = List.copyOf(idleWaiters);
      idleWaiters.clear();
    }
    waiting.forEach(w -> w.complete(null));
  }
}
