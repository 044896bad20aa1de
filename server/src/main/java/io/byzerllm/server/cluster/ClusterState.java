package io.byzerllm.server.cluster;

import io.byzerllm.deploy.Resources;
import io.byzerllm.deploy.WorkerPlacement;
import io.byzerllm.worker.actor.WorkerId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the controller knows of the cluster as it is: the live nodes and the workers each one runs
 * (as last reported by its agent), plus workers asked for and not yet reported. Used to compute
 * what is missing and how much room each node has left.
 */
final class ClusterState {
  final Map<String, NodeDescription> nodes = new LinkedHashMap<>();
  final Map<String, List<NodeAgent.RunningWorker>> running = new HashMap<>();
  /** Workers asked of a node and not yet seen running there, with when they were asked. */
  final Map<WorkerId, Starting> starting = new HashMap<>();

  record Starting(String node, Resources resources, long sinceNanos) {}

  boolean allReported() {
    return running.keySet().containsAll(nodes.keySet());
  }

  boolean isRunning(WorkerId id) {
    return running.values().stream().flatMap(List::stream).anyMatch(w -> w.id().equals(id));
  }

  void removeNode(String node) {
    nodes.remove(node);
    running.remove(node);
    starting.values().removeIf(s -> s.node().equals(node));
  }

  void reported(NodeAgent.WorkerRefs refs) {
    if (!nodes.containsKey(refs.node())) {
      return;
    }
    running.put(refs.node(), List.copyOf(refs.workers()));
    refs.workers().forEach(w -> starting.remove(w.id()));
  }

  /** Resources in use per node: running workers (priced by their deployment) and workers being started. */
  Map<String, Resources> used(Map<String, Resources> perWorkerByModel, Map<WorkerId, WorkerPlacement> planned) {
    Map<String, Resources> used = new HashMap<>();
    Set<WorkerId> counted = new java.util.HashSet<>();
    running.forEach((node, workers) -> workers.forEach(w -> {
      if (counted.add(w.id())) {
        used.merge(node, perWorkerByModel.getOrDefault(w.id().model(), Resources.NONE), Resources::plus);
      }
    }));
    starting.forEach((id, s) -> {
      if (counted.add(id)) {
        used.merge(s.node(), s.resources(), Resources::plus);
      }
    });
    planned.forEach((id, p) -> {
      if (counted.add(id)) {
        used.merge(p.node(), perWorkerByModel.getOrDefault(id.model(), Resources.NONE), Resources::plus);
      }
    });
    return used;
  }
}
