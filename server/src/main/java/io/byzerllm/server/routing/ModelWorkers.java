package io.byzerllm.server.routing;

import io.byzerllm.worker.actor.WorkerActor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/** The live workers of one model as one router sees them, with what it has outstanding on each. */
final class ModelWorkers {
  private final Address self;
  private final Map<ActorRef<WorkerActor.Command>, Integer> outstanding = new HashMap<>();
  private final List<ActorRef<WorkerActor.Command>> order = new ArrayList<>();
  private final java.util.Set<Address> suspended = new java.util.HashSet<>();
  private int rotation;

  ModelWorkers(Address self) {
    this.self = self;
  }

  boolean isEmpty() {
    return order.stream().allMatch(this::isSuspended);
  }

  /** Workers on an unreachable node get no new calls until it is reachable again. */
  void suspend(Address node) {
    suspended.add(node);
  }

  void resume(Address node) {
    suspended.remove(node);
  }

  private boolean isSuspended(ActorRef<WorkerActor.Command> w) {
    return suspended.contains(w.path().address());
  }

  /** Replaces the set of workers; answers the ones that are new. */
  List<ActorRef<WorkerActor.Command>> update(Set<ActorRef<WorkerActor.Command>> now) {
    List<ActorRef<WorkerActor.Command>> added = new ArrayList<>();
    order.removeIf(w -> !now.contains(w));
    outstanding.keySet().removeIf(w -> !now.contains(w));
    for (ActorRef<WorkerActor.Command> w : now) {
      if (!outstanding.containsKey(w)) {
        outstanding.put(w, 0);
        order.add(w);
        added.add(w);
      }
    }
    return added;
  }

  void remove(ActorRef<WorkerActor.Command> worker) {
    order.remove(worker);
    outstanding.remove(worker);
  }

  /**
   * The untried worker with the fewest calls outstanding; ties go to a local worker, then in
   * rotation so equal workers share the load.
   */
  ActorRef<WorkerActor.Command> pick(Set<ActorRef<WorkerActor.Command>> tried) {
    ActorRef<WorkerActor.Command> best = null;
    int bestLoad = Integer.MAX_VALUE;
    boolean bestLocal = false;
    int n = order.size();
    rotation = (rotation + 1) % Math.max(1, n);
    for (int i = 0; i < n; i++) {
      ActorRef<WorkerActor.Command> w = order.get((rotation + i) % n);
      if (tried.contains(w) || isSuspended(w)) {
        continue;
      }
      int load = outstanding.getOrDefault(w, 0);
      boolean local = isLocal(w);
      if (load < bestLoad || load == bestLoad && local && !bestLocal) {
        best = w;
        bestLoad = load;
        bestLocal = local;
      }
    }
    return best;
  }

  boolean hasUntried(Set<ActorRef<WorkerActor.Command>> tried) {
    return order.stream().anyMatch(w -> !tried.contains(w) && !isSuspended(w));
  }

  void sent(ActorRef<WorkerActor.Command> worker) {
    outstanding.computeIfPresent(worker, (w, n) -> n + 1);
  }

  void done(ActorRef<WorkerActor.Command> worker) {
    outstanding.computeIfPresent(worker, (w, n) -> Math.max(0, n - 1));
  }

  private boolean isLocal(ActorRef<WorkerActor.Command> w) {
    Address a = w.path().address();
    return a.getHost().isEmpty() || a.equals(self);
  }
}
