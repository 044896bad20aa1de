package io.byzerllm.deploy;

import java.util.List;

/**
 * What one node offers to placement: its address, its total resources, what deployments already
 * use, and the free share of each of its GPUs (in thousandths, index = device number).
 */
public record NodeCapacity(String node, Resources total, Resources used, List<Long> gpuFreeMillis) {
  public NodeCapacity {
    gpuFreeMillis = List.copyOf(gpuFreeMillis);
  }

  public static NodeCapacity idle(String node, Resources total) {
    int gpus = (int) (total.gpuMillis() / 1000);
    return new NodeCapacity(node, total, Resources.NONE, java.util.Collections.nCopies(gpus, 1000L));
  }

  public Resources free() {
    return total.minus(used);
  }
}
