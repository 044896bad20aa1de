package io.byzerllm.server.cluster;

import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.WorkerPlacement;
import io.byzerllm.worker.CborSerializable;
import java.util.List;

/**
 * One row of the deployment table: the spec (with its secrets: only the controller and the nodes
 * that run workers hold it), its generation (bumped by a replace), its state, and where its workers
 * were placed.
 */
public record DeploymentRecord(ModelSpec spec, long generation, State state, long createdEpochSecond,
                               List<WorkerPlacement> placements) implements CborSerializable {
  public enum State { DEPLOYING, READY }

  public DeploymentRecord {
    placements = List.copyOf(placements);
  }

  public String model() {
    return spec.model();
  }

  public DeploymentRecord ready() {
    return new DeploymentRecord(spec, generation, State.READY, createdEpochSecond, placements);
  }
}
