package io.byzerllm.worker.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * An exact-match LRU of embeddings for one model (one deployment generation) on one node, shared by
 * its workers there. A text is the same entry only with the same query flag, dimensions and model
 * override. The lock is held for a map operation only; vectors are stored and returned as they are
 * (callers only read them). Hits and misses count texts, and show on the node's {@code /metrics}.
 */
public final class EmbeddingCache {

  /** What makes two texts the same entry. */
  record Key(String text, boolean query, Integer dimensions, String model) {}

  private final int capacity;
  private final LinkedHashMap<Key, float[]> entries;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final MeterRegistry registry;
  private final List<Meter> meters;

  public EmbeddingCache(int capacity, MeterRegistry registry, String model, long generation) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("emb.cache_size must be positive (got " + capacity + ")");
    }
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
        return size() > EmbeddingCache.this.capacity;
      }
    };
    this.registry = registry;
    Tags tags = Tags.of("model", model, "generation", String.valueOf(generation));
    this.meters = List.of(
        FunctionCounter.builder("llm.embedding.cache.hits", hits, LongAdder::sum)
            .description("texts answered from the embedding cache").tags(tags).register(registry),
        FunctionCounter.builder("llm.embedding.cache.misses", misses, LongAdder::sum)
            .description("texts the model had to embed (emb.cache_size set)").tags(tags).register(registry),
        Gauge.builder("llm.embedding.cache.hit.ratio", this, EmbeddingCache::hitRatio)
            .description("hits / (hits + misses) since the model was deployed").tags(tags).strongReference(true)
            .register(registry),
        Gauge.builder("llm.embedding.cache.entries", this, EmbeddingCache::size)
            .description("texts held in the embedding cache").tags(tags).strongReference(true).register(registry));
  }

  float[] get(Key key) {
    synchronized (entries) {
      return entries.get(key);
    }
  }

  void put(Key key, float[] vector) {
    synchronized (entries) {
      entries.put(key, vector);
    }
  }

  void counted(int hit, int missed) {
    hits.add(hit);
    misses.add(missed);
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  public double hitRatio() {
    long h = hits.sum();
    long total = h + misses.sum();
    return total == 0 ? 0 : (double) h / total;
  }

  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  public int capacity() {
    return capacity;
  }

  /** Takes this cache's series off {@code /metrics} (its deployment generation is gone from this node). */
  public void remove() {
    meters.forEach(registry::remove);
  }
}
