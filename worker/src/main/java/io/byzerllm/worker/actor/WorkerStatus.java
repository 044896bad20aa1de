package io.byzerllm.worker.actor;

import java.util.Map;

/**
 * What {@code stat} shows of one worker. {@code permits} is its {@code worker_concurrency};
 * latencies are over the worker's life, in milliseconds; {@code breaker} is its circuit breaker's
 * state ({@code closed}, {@code open}: refusing calls while it cools down, {@code half_open}).
 */
public record WorkerStatus(
    WorkerId id,
    String node,
    String state,
    int inFlight,
    int permits,
    int queued,
    long requests,
    long errors,
    double p50Ms,
    double p99Ms,
    Map<String, Object> backend,
    String breaker) implements io.byzerllm.worker.CborSerializable {

  public WorkerStatus {
    backend = backend == null ? Map.of() : Map.copyOf(backend);
    breaker = breaker == null ? "closed" : breaker;
  }
}
