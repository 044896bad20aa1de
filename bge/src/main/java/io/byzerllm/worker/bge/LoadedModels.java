package io.byzerllm.worker.bge;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The models loaded in this JVM, counted by reference, so that several workers of one deployment
 * (same weights file, engine, device and threads) hold one copy of the weights. The last
 * {@link #release} closes the model. Loading happens under this class's lock: loads are rare and
 * two workers asking for the same model at once must not load it twice. Counting readers
 * ({@link #references}, for stat) never take that lock: a load must not hold up a listing.
 */
final class LoadedModels {
  /** What makes two workers' models interchangeable. */
  record Key(String weightsFile, InferEngine engine, String device, int threads) {}

  private static final class Entry {
    final LoadedModel model;
    int references;

    Entry(LoadedModel model) {
      this.model = model;
    }
  }

  private static final Map<Key, Entry> LOADED = new HashMap<>();
  /** The reference counts of LOADED, written under the lock, read without it. */
  private static final Map<Key, Integer> COUNTS = new ConcurrentHashMap<>();

  private LoadedModels() {}

  static synchronized LoadedModel acquire(Key key, Supplier<LoadedModel> loader) {
    Entry entry = LOADED.get(key);
    if (entry == null) {
      entry = new Entry(loader.get());
      LOADED.put(key, entry);
    }
    entry.references++;
    COUNTS.put(key, entry.references);
    return entry.model;
  }

  static synchronized void release(Key key) {
    Entry entry = LOADED.get(key);
    if (entry == null) {
      return;
    }
    if (--entry.references == 0) {
      LOADED.remove(key);
      COUNTS.remove(key);
      entry.model.close();
    } else {
      COUNTS.put(key, entry.references);
    }
  }

  /** How many workers hold the model under {@code key}; 0 when it is not loaded. */
  static int references(Key key) {
    return COUNTS.getOrDefault(key, 0);
  }
}
