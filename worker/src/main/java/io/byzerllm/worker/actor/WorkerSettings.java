package io.byzerllm.worker.actor;

import com.typesafe.config.Config;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import java.time.Duration;

/**
 * How one worker admits work: {@code concurrency} calls in flight (the spec's
 * {@code worker_concurrency}), then a bounded queue ({@code worker.queue_size}, default from
 * config), where a call waits at most {@code queueTimeout}. {@code embeddingCacheSize}
 * ({@code emb.cache_size}, default 0: none) is how many texts' embeddings the model keeps per node.
 * {@code breakerFailures}: upstream failures in a row that open a worker's circuit breaker (0: never);
 * {@code breakerCooldown}: how long it stays open before it lets calls try again.
 */
public record WorkerSettings(int concurrency, int queueCapacity, Duration queueTimeout, Duration minRetryAfter,
                             int embeddingCacheSize, int breakerFailures, Duration breakerCooldown) {

  public static WorkerSettings of(ModelSpec spec, Config config) {
    Config c = config.getConfig("byzerllm.worker");
    int perPermit = c.getInt("queue-per-permit");
    int fallback = Math.max(c.getInt("min-queue-size"), spec.workerConcurrency() * perPermit);
    int queue;
    try {
      queue = Integer.parseInt(spec.param("worker.queue_size", String.valueOf(fallback)).trim());
    } catch (NumberFormatException e) {
      throw new InvalidSpecException("--infer_params worker.queue_size must be a whole number (got '"
          + spec.param("worker.queue_size", "") + "')");
    }
    if (queue < 0) {
      throw new InvalidSpecException("--infer_params worker.queue_size must be >= 0 (got " + queue + ")");
    }
    return new WorkerSettings(spec.workerConcurrency(), queue, c.getDuration("queue-timeout"),
        c.getDuration("min-retry-after"), embeddingCacheSize(spec), c.getInt("breaker.failures"),
        c.getDuration("breaker.cooldown"));
  }

  private static int embeddingCacheSize(ModelSpec spec) {
    String value = spec.param("emb.cache_size", "0").trim();
    int size;
    try {
      size = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new InvalidSpecException("--infer_params emb.cache_size must be a whole number of texts (got '" + value
          + "'); 0 turns the embedding cache off");
    }
    if (size < 0) {
      throw new InvalidSpecException("--infer_params emb.cache_size must be >= 0 (got " + size + "); 0 turns it off");
    }
    return size;
  }
}
