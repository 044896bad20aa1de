package io.byzerllm.server.cluster;

import io.byzerllm.deploy.Resources;
import io.byzerllm.deploy.WorkerPlacement;
import io.byzerllm.worker.actor.WorkerId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.cluster.MemberStatus;

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

  /** Nodes whose agent last said it is draining (the node is stopping): never a placement target again. */
  private final Set<String> draining = new java.util.HashSet<>();

  record Starting(String node, Resources resources, long sinceNanos) {}

  /**
   * Whether a member in this status may be given workers. A member that is leaving, exiting or
   * down is on its way out: a worker placed there is killed with it (and a native model loading
   * while its JVM exits can crash it).
   */
  static boolean takesWorkers(MemberStatus status) {
    return status == MemberStatus.up() || status == MemberStatus.weaklyUp();
  }

  /** The nodes workers may be placed on: known, not draining, and not named in {@code leaving} (members on their way out). */
  List<NodeDescription> placeable(Set<String> leaving) {
    return nodes.values().stream().filter(n -> !draining.contains(n.address()) && !leaving.contains(n.address())).toList();
  }

  boolean isDraining(String node) {
    return draining.contains(node);
  }

  boolean allReported() {
    return running.keySet().containsAll(nodes.keySet());
  }

  /**
   * Whether the worker runs on a node that stays: one on a draining node is as good as gone (it
   * finishes what it holds and stops), so its successor is placed elsewhere while it drains.
   */
  boolean isRunning(WorkerId id) {
    for (Map.Entry<String, List<NodeAgent.RunningWorker>> e : running.entrySet()) {
      if (!draining.contains(e.getKey()) && e.getValue().stream().anyMatch(w -> w.id().equals(id))) {
        return true;
      }
    }
    return false;
  }

  void removeNode(String node) {
    nodes.remove(node);
    running.remove(node);
    draining.remove(node);
    starting.values().removeIf(s -> s.node().equals(node));
  }

  /** A start the node refused or failed: ask again (elsewhere, if the node is leaving) on the next reconcile. */
  void startFailed(String node, String model, long generation) {
    starting.entrySet().removeIf(e -> e.getValue().node().equals(node) && e.getKey().model().equals(model)
        && e.getKey().generation() == generation);
  }

  void reported(NodeAgent.WorkerRefs refs) {
    if (!nodes.containsKey(refs.node())) {
      return;
    }
    running.put(refs.node(), List.copyOf(refs.workers()));
    // A report that no longer lists a drained worker also says the node drains: that worker is not re-placed there.
    if (refs.draining()) {
      draining.add(refs.node());
    } else {
      draining.remove(refs.node());
    }
    // Only the node a worker was started on confirms it: a draining node still lists the same worker.
    refs.workers().forEach(w -> starting.computeIfPresent(w.id(), (id, st) -> st.node().equals(refs.node()) ? null : st));
  }

  /** Resources in use per node: running workers (priced by their deployment) and workers being started. */
  Map<String, Resources> used(Map<String, Resources> perWorkerByModel, Map<WorkerId, WorkerPlacement> planned) {
    Map<String, Resources> used = new HashMap<>();
    // Counted per node: a draining node's worker and its successor elsewhere share an id.
    Set<String> counted = new java.util.HashSet<>();
    running.forEach((node, workers) -> workers.forEach(w -> {
      if (counted.add(node + "/" + w.id())) {
        used.merge(node, perWorkerByModel.getOrDefault(w.id().model(), Resources.NONE), Resources::plus);
      }
    }));
    starting.forEach((id, s) -> {
      if (counted.add(s.node() + "/" + id)) {
        used.merge(s.node(), s.resources(), Resources::plus);
      }
    });
    planned.forEach((id, p) -> {
      if (counted.add(p.node() + "/" + id)) {
        used.merge(p.node(), perWorkerByModel.getOrDefault(id.model(), Resources.NONE), Resources::plus);
      }
    });
    return used;
  }
}
