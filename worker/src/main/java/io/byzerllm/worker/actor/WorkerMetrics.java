package io.byzerllm.worker.actor;

import org.HdrHistogram.Histogram;

/** Counts and latency of one worker; touched only from the worker actor. */
final class WorkerMetrics {
  private final Histogram latencyMicros = new Histogram(3_600_000_000L, 2);
  private long requests;
  private long errors;

  void record(long nanos, boolean failed) {
    requests++;
    if (failed) {
      errors++;
    }
    latencyMicros.recordValue(Math.min(latencyMicros.getHighestTrackableValue(), Math.max(1, nanos / 1000)));
  }

  void rejected() {
    requests++;
    errors++;
  }

  long requests() {
    return requests;
  }

  long errors() {
    return errors;
  }

  double p50Millis() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(50) / 1000.0;
  }

  double p99Millis() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(99) / 1000.0;
  }
}
