package io.byzerllm.worker.actor;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * One worker's meters on its node's {@code /metrics}: calls in flight and queued (read when
 * scraped), how long calls waited in its queue, and its backend's failures by kind (an upstream's
 * errors, a local model's failures; a caller that went away is not one). Looked up once, when the worker is made, and
 * removed when it closes, so a redeployed model does not leave stale series behind.
 */
final class WorkerMeters {
  private final MeterRegistry registry;
  private final Timer queueWait;
  private final List<Meter> meters;
  private final AtomicReferenceArray<Counter> failures = new AtomicReferenceArray<>(ErrorKind.values().length);
  private final Tags tags;

  WorkerMeters(MeterRegistry registry, WorkerId id, IntSupplier inFlight, IntSupplier queued) {
    this.registry = registry;
    Tags tags = Tags.of("model", id.model(), "worker", String.valueOf(id.index()),
        "generation", String.valueOf(id.generation()));
    this.tags = tags;
    this.queueWait = Timer.builder("llm.worker.queue.wait").description("time a call waited for a permit on this worker")
        .tags(tags).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
    Gauge inFlightGauge = Gauge.builder("llm.worker.in.flight", inFlight, s -> s.getAsInt())
        .description("calls this worker runs now (streams until they end)").tags(tags).strongReference(true)
        .register(registry);
    Gauge queuedGauge = Gauge.builder("llm.worker.queued", queued, s -> s.getAsInt())
        .description("calls waiting in this worker's queue").tags(tags).strongReference(true).register(registry);
    this.meters = List.of(queueWait, inFlightGauge, queuedGauge);
  }

  void queued(long nanos) {
    queueWait.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A call the backend failed. */
  void failed(Throwable error) {
    Throwable e = Failure.unwrap(error);
    if (e instanceof CancellationException) {
      return;
    }
    ErrorKind kind = e instanceof LlmException l ? l.kind() : ErrorKind.INTERNAL;
    Counter c = failures.get(kind.ordinal());
    if (c == null) {
      c = Counter.builder("llm.upstream.errors").description("calls this worker's backend failed, by error kind")
          .tags(tags).tag("kind", kind.type()).register(registry);
      failures.set(kind.ordinal(), c); // a race registers twice and gets the same counter
    }
    c.increment();
  }

  void remove() {
    meters.forEach(registry::remove);
    for (int i = 0; i < failures.length(); i++) {
      Counter c = failures.get(i);
      if (c != null) {
        registry.remove(c);
      }
    }
  }
}
