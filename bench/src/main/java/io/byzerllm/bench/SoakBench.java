package io.byzerllm.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Soak: a steady open-loop rate of chat requests for {@code --minutes} against a node in a JVM of its
 * own (in front of a stub upstream), printing each minute the node process's resident memory (VmRSS
 * from {@code /proc}), the minute's answers and any errors; at the end, RSS growth from the end of the
 * warm-up ({@code --warmup_minutes}, default a sixth of the run, at least 1) to the last minute, in %.
 * Anything but a 200 counts as an error (the rate stays well under the node's capacity); errors during the
 * warm-up (a cold JVM on a busy machine can fall behind at first) are counted apart.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.SoakBench \
 *     [--minutes 30] [--rate 50] [--warmup_minutes 5] [--latency_ms 20]
 * </pre>
 */
public final class SoakBench {
  private SoakBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchSupport.options(args);
    int minutes = Integer.parseInt(o.getOrDefault("minutes", "30"));
    int rate = Integer.parseInt(o.getOrDefault("rate", "50"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup_minutes", String.valueOf(Math.max(1, minutes / 6))));
    int latencyMs = Integer.parseInt(o.getOrDefault("latency_ms", "20"));
    if (warmup >= minutes) {
      throw new IllegalArgumentException("--warmup_minutes (" + warmup + ") must be less than --minutes (" + minutes + ")");
    }
    System.out.println("SoakBench: " + BenchSupport.commandLine(SoakBench.class, args));
    System.out.println(BenchSupport.machine() + String.format(Locale.ROOT, ", load average %.2f", BenchSupport.loadAverage()));
    System.out.printf("%d requests/s for %d min (warm-up %d min); upstream answers after %d ms; 2 workers x concurrency 8%n",
        rate, minutes, warmup, latencyMs);

    try (BenchNode node = BenchNode.start(Duration.ofMillis(latencyMs))) {
      node.deploy("soak", 2, 8, 64);
      System.out.printf(Locale.ROOT, "node pid %d, RSS at start %.1f MiB%n", node.pid(), node.rssKib() / 1024.0);
      System.out.printf("%-7s %8s %6s %7s %28s %10s%n", "minute", "ok", "429", "errors", "latency p50 / p99 / max (ms)", "RSS MiB");
      OpenLoop load = new OpenLoop(node.url(), "soak");
      List<Long> rss = new ArrayList<>();
      long errors = 0;
      long warmupErrors = 0;
      for (int minute = 1; minute <= minutes; minute++) {
        OpenLoop.Window w = load.run(rate, Duration.ofMinutes(1));
        long kib = node.rssKib();
        rss.add(kib);
        long bad = w.refused().getTotalCount() + w.errorCount();
        if (minute <= warmup) {
          warmupErrors += bad;
        } else {
          errors += bad;
        }
        System.out.printf(Locale.ROOT, "%-7s %8d %6d %7d %28s %10.1f %s%n", minute + (minute <= warmup ? "*" : ""),
            w.accepted().getTotalCount(), w.refused().getTotalCount(), w.errorCount(),
            String.format(Locale.ROOT, "%.1f / %.1f / %.1f", w.accepted().getValueAtPercentile(50) / 1000.0,
                w.accepted().getValueAtPercentile(99) / 1000.0, w.accepted().getMaxValue() / 1000.0),
            kib / 1024.0, w.errors().isEmpty() ? "" : w.errors().toString());
      }
      long afterWarmup = rss.get(warmup - 1);
      long last = rss.get(rss.size() - 1);
      long peak = rss.subList(warmup, rss.size()).stream().mapToLong(Long::longValue).max().orElse(last);
      System.out.printf(Locale.ROOT, "%n(* warm-up) RSS after warm-up %.1f MiB, at the end %.1f MiB, peak after warm-up %.1f MiB: "
          + "growth %+.1f%%; errors (non-200) after warm-up %d, during warm-up %d%n", afterWarmup / 1024.0, last / 1024.0,
          peak / 1024.0, 100.0 * (last - afterWarmup) / afterWarmup, errors, warmupErrors);
    }
    System.exit(0);
  }
}
