package io.byzerllm.server.routing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current {@link RoutingTable} of a node, published by the {@link WorkerDirectory} and read by
 * every request without a message, and a signal for requests that wait for the table to change (a
 * worker to appear, a deployment to become known).
 */
public final class Routing {
  private final AtomicReference<RoutingTable> table = new AtomicReference<>(RoutingTable.EMPTY);
  private final AtomicReference<CompletableFuture<Void>> nextChange = new AtomicReference<>(new CompletableFuture<>());
  private final AtomicBoolean refreshWanted = new AtomicBoolean();
  private volatile Runnable refresher = () -> {};

  public RoutingTable table() {
    return table.get();
  }

  /** Completes at the next change: take it before reading the table, so no change is missed. */
  public CompletableFuture<Void> nextChange() {
    return nextChange.get();
  }

  void publish(RoutingTable next) {
    table.set(next);
    changed();
  }

  /** Wakes the requests that wait for a change (also when local workers come and go). */
  public void changed() {
    nextChange.getAndSet(new CompletableFuture<>()).complete(null);
  }

  /**
   * Asks the directory to read the deployment table again (a model this node has not heard of may
   * have just been deployed); however many requests ask, one read is under way at a time.
   */
  public void requestRefresh() {
    if (refreshWanted.compareAndSet(false, true)) {
      refresher.run();
    }
  }

  void refreshDone() {
    refreshWanted.set(false);
  }

  void refresher(Runnable refresher) {
    this.refresher = refresher;
  }
}
