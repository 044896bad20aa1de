package io.byzerllm.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Overload: a node (its own JVM) in front of a stub upstream that answers after a fixed delay. First
 * its capacity is found: open-loop steps of {@code --probe_seconds} from a quarter of the ideal rate
 * (permits / upstream latency) up by half each time, until a step gets a 429 or an error; capacity is
 * the last rate served whole. (A closed loop would measure its callers' round trips, not the node.)
 * Then it is driven
 * open-loop at 1x that rate (the baseline) and at 2x for {@code --seconds}. Printed: the accepted
 * requests' p50/p99/p99.9 at 2x against their p99 at 1x, and how many were refused with 429 and how
 * fast those answers came (they should be immediate, not queued).
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.OverloadBench \
 *     [--seconds 60] [--baseline_seconds 20] [--probe_seconds 5] [--latency_ms 50] [--workers 1] \
 *     [--concurrency 8] [--queue 8]
 * </pre>
 */
public final class OverloadBench {
  private OverloadBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchSupport.options(args);
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "60"));
    int baselineSeconds = Integer.parseInt(o.getOrDefault("baseline_seconds", "20"));
    int probeSeconds = Integer.parseInt(o.getOrDefault("probe_seconds", "5"));
    int latencyMs = Integer.parseInt(o.getOrDefault("latency_ms", "50"));
    int workers = Integer.parseInt(o.getOrDefault("workers", "1"));
    int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "8"));
    int queue = Integer.parseInt(o.getOrDefault("queue", "8"));
    System.out.println("OverloadBench: " + BenchSupport.commandLine(OverloadBench.class, args));
    System.out.println(BenchSupport.machine() + String.format(Locale.ROOT, ", load average %.2f", BenchSupport.loadAverage()));
    System.out.printf("node JVM of its own; upstream answers after %d ms; %d worker(s) x concurrency %d, queue %d%n",
        latencyMs, workers, concurrency, queue);

    try (BenchNode node = BenchNode.start(Duration.ofMillis(latencyMs))) {
      node.deploy("load", workers, concurrency, queue);
      int permits = workers * concurrency;
      OpenLoop load = new OpenLoop(node.url(), "load");
      double ideal = permits * 1000.0 / latencyMs;
      load.run((int) Math.max(1, ideal / 4), Duration.ofSeconds(Math.max(3, probeSeconds / 2))); // warm-up
      int capacity = 0;
      // up to 4x the ideal: past that a node that never refuses is queueing without bound, which the 2x phase shows
      for (int rate = (int) Math.max(1, ideal / 4); rate <= 4 * ideal; rate = (int) Math.ceil(rate * 1.5)) {
        OpenLoop.Window step = load.run(rate, Duration.ofSeconds(probeSeconds));
        boolean whole = step.refused().getTotalCount() == 0 && step.errorCount() == 0;
        System.out.printf(Locale.ROOT, "probe %d requests/s: accepted %d, 429 %d, errors %d, accepted p99 %.1f ms%n", rate,
            step.accepted().getTotalCount(), step.refused().getTotalCount(), step.errorCount(),
            step.accepted().getValueAtPercentile(99) / 1000.0);
        if (!whole) {
          break;
        }
        capacity = rate;
      }
      if (capacity == 0) {
        throw new IllegalStateException("even " + (int) Math.max(1, ideal / 4) + " requests/s got 429s or errors; "
            + "is the machine too busy, or the deployment too small?");
      }
      System.out.printf(Locale.ROOT, "capacity: %d requests/s served whole (ideal %d permits / %d ms = %.0f/s)%n",
          capacity, permits, latencyMs, ideal);

      int rate1x = capacity;
      OpenLoop.Window baseline = load.run(rate1x, Duration.ofSeconds(baselineSeconds));
      print("1x", rate1x, baseline);
      OpenLoop.Window overload = load.run(2 * rate1x, Duration.ofSeconds(seconds));
      print("2x", 2 * rate1x, overload);

      System.out.printf(Locale.ROOT, "%naccepted p99: %.1f ms at 1x, %.1f ms at 2x (%.2fx); 429s at 2x: %d, their p99 %.1f ms%n",
          baseline.accepted().getValueAtPercentile(99) / 1000.0, overload.accepted().getValueAtPercentile(99) / 1000.0,
          (double) overload.accepted().getValueAtPercentile(99) / Math.max(1, baseline.accepted().getValueAtPercentile(99)),
          overload.refused().getTotalCount(), overload.refused().getValueAtPercentile(99) / 1000.0);
    }
    System.exit(0);
  }

  private static void print(String name, int rate, OpenLoop.Window w) {
    long sent = w.accepted().getTotalCount() + w.refused().getTotalCount() + w.errorCount();
    System.out.printf(Locale.ROOT, "%n== %s: %d requests/s open loop, %.0f s, %d sent ==%n", name, rate, w.seconds(), sent);
    System.out.printf(Locale.ROOT, "accepted %d (%.0f/s): %s%n", w.accepted().getTotalCount(),
        w.accepted().getTotalCount() / w.seconds(), OpenLoop.percentiles(w.accepted()));
    System.out.printf(Locale.ROOT, "429      %d: %s%n", w.refused().getTotalCount(), OpenLoop.percentiles(w.refused()));
    System.out.printf("errors   %d %s%n", w.errorCount(), w.errors().isEmpty() ? "" : w.errors());
  }
}
