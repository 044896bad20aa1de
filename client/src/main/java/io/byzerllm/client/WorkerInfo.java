package io.byzerllm.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One worker of a deployment as {@code GET /api/deployments} reports it: where it runs, its state,
 * its load ({@code inFlight} of {@code permits} slots, {@code queued}), its counters and latency
 * percentiles in milliseconds, which backend serves it, and its circuit breaker ({@code closed};
 * {@code open}: refusing calls while its upstream cools down; {@code half_open}: trying again).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkerInfo(
    int index,
    String node,
    String state,
    @JsonProperty("in_flight") int inFlight,
    int permits,
    int queued,
    long requests,
    long errors,
    @JsonProperty("p50_ms") double p50Ms,
    @JsonProperty("p99_ms") double p99Ms,
    Backend backend,
    String breaker) {

  public WorkerInfo {
    breaker = breaker == null ? "closed" : breaker;
    node = node == null ? "" : node;
    state = state == null ? "" : state;
    backend = backend == null ? new Backend("", "", 0) : backend;
  }

  /**
   * The engine behind a worker, e.g. {@code openai-compatible} calling {@code deepseek-chat}, or a local
   * engine and the threads it computes on ({@code threads} 0 for a backend that computes nothing here).
   * A local model also says its number format ({@code precision}, e.g. {@code bf16}) and why its engine
   * and format were chosen ({@code engine_choice}); both are empty for SaaS backends.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Backend(String engine, @JsonProperty("upstream_model") String upstreamModel, int threads,
                        String precision, @JsonProperty("engine_choice") String engineChoice) {
    public Backend {
      engine = engine == null ? "" : engine;
      upstreamModel = upstreamModel == null ? "" : upstreamModel;
      precision = precision == null ? "" : precision;
      engineChoice = engineChoice == null ? "" : engineChoice;
    }

    public Backend(String engine, String upstreamModel, int threads) {
      this(engine, upstreamModel, threads, "", "");
    }
  }
}
