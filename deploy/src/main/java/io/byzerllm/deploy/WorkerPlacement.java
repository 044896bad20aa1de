package io.byzerllm.deploy;

import java.util.List;

/** Where worker {@code index} of a deployment runs, and which GPU devices it owns a share of. */
public record WorkerPlacement(int index, String node, List<Integer> gpuIndices) {
  public WorkerPlacement {
    gpuIndices = List.copyOf(gpuIndices);
  }
}
