package io.byzerllm.worker.actor;

import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** The Receptionist key under which every ready worker of a model registers, on whichever node. */
public final class WorkerKeys {
  private WorkerKeys() {}

  public static ServiceKey<WorkerActor.Command> forModel(String model) {
    return ServiceKey.create(WorkerActor.Command.class, "model:" + model);
  }
}
