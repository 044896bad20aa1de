package io.byzerllm.worker.actor;

/**
 * Which worker this is: the deployment's model name, the deployment generation (a replaced
 * deployment gets a new one), and the worker's index within it.
 */
public record WorkerId(String model, long generation, int index) {
  /** A name fit for an actor path. */
  public String actorName() {
    return "worker-" + model.replaceAll("[^A-Za-z0-9_\\-]", "_") + "-g" + generation + "-" + index;
  }
}
