package io.byzerllm.lite;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import java.time.Duration;

/**
 * How an in-process worker admits calls, with a node's defaults (the worker module's
 * {@code reference.conf}: 4 queue places per permit, at least 16, 60 s in the queue, Retry-After at
 * least 1 s): {@code worker_concurrency} calls in flight, then a bounded queue
 * ({@code worker.queue_size}), then 429.
 */
record AdmissionSettings(int concurrency, int queueCapacity, Duration queueTimeout, Duration minRetryAfter) {
  static final int QUEUE_PER_PERMIT = 4;
  static final int MIN_QUEUE_SIZE = 16;
  static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(60);
  static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

  static AdmissionSettings of(ModelSpec spec) {
    int fallback = Math.max(MIN_QUEUE_SIZE, spec.workerConcurrency() * QUEUE_PER_PERMIT);
    String given = spec.param("worker.queue_size", String.valueOf(fallback)).trim();
    int queue;
    try {
      queue = Integer.parseInt(given);
    } catch (NumberFormatException e) {
      throw new InvalidSpecException("infer_params worker.queue_size must be a whole number (got '" + given + "')");
    }
    if (queue < 0) {
      throw new InvalidSpecException("infer_params worker.queue_size must be >= 0 (got " + queue + ")");
    }
    return new AdmissionSettings(spec.workerConcurrency(), queue, QUEUE_TIMEOUT, MIN_RETRY_AFTER);
  }
}
