package io.byzerllm.worker.actor;

import io.byzerllm.worker.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/** What a worker tells whoever started it about its life: ready to serve, or failed to start. */
public sealed interface WorkerEvent extends CborSerializable {
  WorkerId id();

  record Ready(WorkerId id, ActorRef<WorkerActor.Command> worker) implements WorkerEvent {}

  record FailedToStart(WorkerId id, Failure failure) implements WorkerEvent {}
}
