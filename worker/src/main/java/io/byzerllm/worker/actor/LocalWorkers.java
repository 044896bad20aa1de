package io.byzerllm.worker.actor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ready workers of one node, by model, for the node's request path to call without a message.
 * Workers add themselves once their backend is open and remove themselves when they drain or
 * stop; every change runs {@code onChange} (calls waiting for a worker look again).
 */
public final class LocalWorkers {
  private final Map<String, List<LocalWorker>> byModel = new ConcurrentHashMap<>();
  private final Runnable onChange;

  public LocalWorkers(Runnable onChange) {
    this.onChange = onChange;
  }

  /** The model's ready workers here, as an immutable snapshot (empty if none). */
  public List<LocalWorker> of(String model) {
    return byModel.getOrDefault(model, List.of());
  }

  void add(LocalWorker worker) {
    byModel.compute(worker.id().model(), (m, list) -> {
      List<LocalWorker> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
      next.add(worker);
      return List.copyOf(next);
    });
    onChange.run();
  }

  void remove(LocalWorker worker) {
    byModel.computeIfPresent(worker.id().model(), (m, list) -> {
      List<LocalWorker> next = new ArrayList<>(list);
      next.remove(worker);
      return next.isEmpty() ? null : List.copyOf(next);
    });
    onChange.run();
  }
}
