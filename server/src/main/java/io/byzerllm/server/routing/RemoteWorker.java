package io.byzerllm.server.routing;

import io.byzerllm.worker.actor.WorkerActor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A worker on another node as this node's request path sees it, with the calls this node has
 * outstanding on it (a stream counts until it ends). One instance per worker for as long as it is
 * listed, so its count survives new routing tables.
 */
public final class RemoteWorker {
  private final ActorRef<WorkerActor.Command> ref;
  private final AtomicInteger outstanding = new AtomicInteger();

  RemoteWorker(ActorRef<WorkerActor.Command> ref) {
    this.ref = ref;
  }

  public ActorRef<WorkerActor.Command> ref() {
    return ref;
  }

  public Address node() {
    return ref.path().address();
  }

  public int load() {
    return outstanding.get();
  }

  void sent() {
    outstanding.incrementAndGet();
  }

  void done() {
    outstanding.decrementAndGet();
  }
}
