package io.byzerllm.deploy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Places a deployment's workers on nodes by the resources each worker asks for: {@code spread}
 * puts each next worker on the node with the most free CPU, {@code pack} fills nodes in order.
 * Whole GPUs go to whole devices; a fraction of a GPU goes to the device with the least room that
 * still fits it. It either places every worker or none.
 */
public final class PlacementPlanner {
  private PlacementPlanner() {}

  public static List<WorkerPlacement> plan(ModelSpec spec, List<NodeCapacity> nodes) {
    List<Slot> slots = nodes.stream().map(Slot::new).collect(Collectors.toCollection(ArrayList::new));
    Resources each = spec.perWorker();
    List<WorkerPlacement> placements = new ArrayList<>();
    for (int i = 0; i < spec.numWorkers(); i++) {
      Slot chosen = choose(slots, each, spec.placement());
      if (chosen == null) {
        throw new InvalidSpecException(refusal(spec, nodes));
      }
      placements.add(new WorkerPlacement(i, chosen.node.node(), chosen.take(each)));
    }
    return placements;
  }

  private static Slot choose(List<Slot> slots, Resources each, PlacementStrategy strategy) {
    var fitting = slots.stream().filter(s -> s.fits(each));
    if (strategy == PlacementStrategy.PACK) {
      return fitting.findFirst().orElse(null);
    }
    return fitting.max(Comparator.comparingLong((Slot s) -> s.free.cpuMillis())
        .thenComparing(Comparator.comparingInt((Slot s) -> -slots.indexOf(s)))).orElse(null);
  }

  private static String refusal(ModelSpec spec, List<NodeCapacity> nodes) {
    String asked = "--num_workers " + spec.numWorkers() + " x (" + spec.perWorker() + ") = " + spec.total();
    if (nodes.isEmpty()) {
      return "not enough resources for " + asked + ": the cluster has no node; start one with 'llm server start'";
    }
    String free = nodes.stream().map(n -> n.node() + " has " + n.free() + " free of " + n.total())
        .collect(Collectors.joining("; "));
    String hint = spec.gpusPerWorker() > 0 && nodes.stream().allMatch(n -> n.total().gpuMillis() == 0)
        ? "the cluster has no GPU: deploy with --gpus_per_worker 0, or start nodes with --num_gpus"
        : "lower --num_workers/--cpus_per_worker/--gpus_per_worker, undeploy something, or add a node";
    return "not enough resources for " + asked + ": " + free + ". " + hint;
  }

  /** A node's remaining room while one plan is being made. */
  private static final class Slot {
    final NodeCapacity node;
    Resources free;
    final long[] gpuFree;

    Slot(NodeCapacity node) {
      this.node = node;
      this.free = node.free();
      this.gpuFree = node.gpuFreeMillis().stream().mapToLong(Long::longValue).toArray();
    }

    boolean fits(Resources r) {
      return free.covers(r) && gpuDevicesFor(r.gpuMillis()) != null;
    }

    List<Integer> take(Resources r) {
      List<Integer> devices = gpuDevicesFor(r.gpuMillis());
      long perDevice = r.gpuMillis() >= 1000 ? 1000 : r.gpuMillis();
      devices.forEach(d -> gpuFree[d] -= perDevice);
      free = free.minus(r);
      return devices;
    }

    private List<Integer> gpuDevicesFor(long gpuMillis) {
      List<Integer> devices = new ArrayList<>();
      if (gpuMillis == 0) {
        return devices;
      }
      if (gpuMillis >= 1000) {
        for (int d = 0; d < gpuFree.length && devices.size() < gpuMillis / 1000; d++) {
          if (gpuFree[d] == 1000) {
            devices.add(d);
          }
        }
        return devices.size() == gpuMillis / 1000 ? devices : null;
      }
      int best = -1;
      for (int d = 0; d < gpuFree.length; d++) {
        if (gpuFree[d] >= gpuMillis && (best < 0 || gpuFree[d] < gpuFree[best])) {
          best = d;
        }
      }
      return best < 0 ? null : List.of(best);
    }
  }
}
