package io.byzerllm.server.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one model at one endpoint, looked up once and kept: requests by status, latency
 * (total, backend, and ours: total minus backend) and tokens. A status's counter is made the first
 * time that status is answered.
 */
final class RequestMeters {
  private static final Duration MIN = Duration.ofNanos(50_000);
  private static final Duration MAX = Duration.ofMinutes(10);

  private final MeterRegistry registry;
  private final Tags tags;
  private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(600);
  private final Timer total;
  private final Timer backend;
  private final Timer overhead;
  private final Counter promptTokens;
  private final Counter completionTokens;

  RequestMeters(MeterRegistry registry, String model, Endpoint endpoint) {
    this.registry = registry;
    this.tags = Tags.of("model", model, "endpoint", endpoint.label());
    this.total = timer("llm.request.duration", "time from the request's arrival to its answer (a stream: to its end)");
    this.backend = timer("llm.backend.duration", "time the backend (upstream provider or local model) took");
    this.overhead = timer("llm.overhead.duration", "the node's own time: total minus backend, for calls a backend answered");
    this.promptTokens = Counter.builder("llm.tokens").description("tokens the backend reported")
        .tags(tags).tag("type", "prompt").register(registry);
    this.completionTokens = Counter.builder("llm.tokens").description("tokens the backend reported")
        .tags(tags).tag("type", "completion").register(registry);
  }

  private Timer timer(String name, String description) {
    return Timer.builder(name).description(description).tags(tags).publishPercentileHistogram()
        .minimumExpectedValue(MIN).maximumExpectedValue(MAX).register(registry);
  }

  void answered(int status, long totalNanos) {
    status(status).increment();
    total.record(totalNanos, TimeUnit.NANOSECONDS);
  }

  /** A call a backend answered: its time, the node's share, and its tokens. */
  void backend(long totalNanos, long backendNanos, int prompt, int completion) {
    backend.record(backendNanos, TimeUnit.NANOSECONDS);
    overhead.record(Math.max(0, totalNanos - backendNanos), TimeUnit.NANOSECONDS);
    if (prompt > 0) {
      promptTokens.increment(prompt);
    }
    if (completion > 0) {
      completionTokens.increment(completion);
    }
  }

  private Counter status(int status) {
    int i = status >= 100 && status < 600 ? status : 599;
    Counter c = byStatus.get(i);
    if (c == null) {
      c = Counter.builder("llm.requests").description("requests answered, by model, endpoint and status")
          .tags(tags).tag("status", String.valueOf(i)).register(registry);
      byStatus.set(i, c); // a race registers the same counter twice: the registry returns one
    }
    return c;
  }
}
