package io.byzerllm.worker.actor;

import io.byzerllm.worker.cache.EmbeddingCache;
import io.micrometer.core.instrument.MeterRegistry;
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
  private final Map<String, LocalWorker> byActorName = new ConcurrentHashMap<>();
  /** By model and generation: a redeployed model may embed differently, so it starts with an empty cache. */
  private final Map<String, EmbeddingCache> embeddingCaches = new ConcurrentHashMap<>();
  private final Runnable onChange;

  public LocalWorkers(Runnable onChange) {
    this.onChange = onChange;
  }

  /** The model's ready workers here, as an immutable snapshot (empty if none). */
  public List<LocalWorker> of(String model) {
    return byModel.getOrDefault(model, List.of());
  }

  /** The ready worker here whose actor is named {@code actorName} ({@link WorkerId#actorName}), or null. */
  public LocalWorker byActorName(String actorName) {
    return byActorName.get(actorName);
  }

  void add(LocalWorker worker) {
    byModel.compute(worker.id().model(), (m, list) -> {
      List<LocalWorker> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
      next.add(worker);
      return List.copyOf(next);
    });
    byActorName.put(worker.id().actorName(), worker);
    onChange.run();
  }

  void remove(LocalWorker worker) {
    byModel.computeIfPresent(worker.id().model(), (m, list) -> {
      List<LocalWorker> next = new ArrayList<>(list);
      next.remove(worker);
      return next.isEmpty() ? null : List.copyOf(next);
    });
    byActorName.remove(worker.id().actorName(), worker);
    WorkerId id = worker.id();
    boolean generationLeft = of(id.model()).stream().anyMatch(w -> w.id().generation() == id.generation());
    if (!generationLeft) {
      EmbeddingCache cache = embeddingCaches.remove(cacheKey(id));
      if (cache != null) {
        cache.remove();
      }
    }
    onChange.run();
  }

  /** The embedding cache the workers of {@code id}'s model and generation share on this node. */
  EmbeddingCache embeddingCache(WorkerId id, int size, MeterRegistry registry) {
    return embeddingCaches.computeIfAbsent(cacheKey(id), k -> new EmbeddingCache(size, registry, id.model(), id.generation()));
  }

  private static String cacheKey(WorkerId id) {
    return id.model() + "#" + id.generation();
  }
}
