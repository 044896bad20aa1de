package io.byzerllm.worker.actor;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Counts and latency of one worker: recorded wait-free from any thread, read by {@code stat}. */
final class WorkerMetrics {
  private static final long HIGHEST_MICROS = 3_600_000_000L;
  private final Recorder latencyMicros = new Recorder(HIGHEST_MICROS, 2);
  private final Histogram total = new Histogram(HIGHEST_MICROS, 2);
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();

  void record(long nanos, boolean failed) {
    requests.increment();
    if (failed) {
      errors.increment();
    }
    latencyMicros.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, nanos / 1000)));
  }

  void rejected() {
    requests.increment();
    errors.increment();
  }

  long requests() {
    return requests.sum();
  }

  long errors() {
    return errors.sum();
  }

  double p50Millis() {
    return percentileMillis(50);
  }

  double p99Millis() {
    return percentileMillis(99);
  }

  private synchronized double percentileMillis(double percentile) {
    total.add(latencyMicros.getIntervalHistogram());
    return total.getTotalCount() == 0 ? 0 : total.getValueAtPercentile(percentile) / 1000.0;
  }
}
