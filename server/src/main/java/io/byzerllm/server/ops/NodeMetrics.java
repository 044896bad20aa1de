package io.byzerllm.server.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A node's meters in Prometheus' registry (one per node, so several nodes in one JVM keep apart):
 * the JVM's and the process's (Micrometer's binders, plus resident memory), what its workers and
 * backends register, and per model and endpoint the request meters, looked up once per pair.
 */
public final class NodeMetrics implements AutoCloseable {
  /** Distinct model labels kept; past it (names no deployment ever had) they count as one. */
  static final int MAX_MODELS = 256;
  static final String OTHER_MODEL = "(other)";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final ConcurrentMap<String, RequestMeters[]> byModel = new ConcurrentHashMap<>();

  public NodeMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Gauge.builder("process.resident.memory", NodeMetrics::residentBytes).baseUnit("bytes")
        .description("resident set size of the node's process (Linux /proc; 0 elsewhere)").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  RequestMeters meters(String model, Endpoint endpoint) {
    RequestMeters[] forModel = byModel.get(model);
    if (forModel == null) {
      if (byModel.size() >= MAX_MODELS) {
        model = OTHER_MODEL;
      }
      forModel = byModel.computeIfAbsent(model, m -> new RequestMeters[Endpoint.values().length]);
    }
    RequestMeters m = forModel[endpoint.ordinal()];
    if (m == null) {
      synchronized (forModel) {
        m = forModel[endpoint.ordinal()];
        if (m == null) {
          m = new RequestMeters(registry, model, endpoint);
          forModel[endpoint.ordinal()] = m;
        }
      }
    }
    return m;
  }

  private static double residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no figure
    }
    return 0;
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
