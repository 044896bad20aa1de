package io.byzerllm.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Overload: a node (its own JVM) in front of a stub upstream that answers after a fixed delay. First
 * its capacity is measured (closed loop, as many connections as it has permits); then it is driven
 * open-loop at 1x that rate (the baseline) and at 2x for {@code --seconds}. Printed: the accepted
 * requests' p50/p99/p99.9 at 2x against their p99 at 1x, and how many were refused with 429 and how
 * fast those answers came (they should be immediate, not queued).
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.OverloadBench \
 *     [--seconds 60] [--baseline_seconds 20] [--probe_seconds 10] [--latency_ms 50] [--workers 1] \
 *     [--concurrency 8] [--queue 8]
 * </pre>
 */
public final class OverloadBench {
  private OverloadBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchSupport.options(args);
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "60"));
    int baselineSeconds = Integer.parseInt(o.getOrDefault("baseline_seconds", "20"));
    int probeSeconds = Integer.parseInt(o.getOrDefault("probe_seconds", "10"));
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
      closedLoop(node.url(), permits, Duration.ofSeconds(Math.max(3, probeSeconds / 2))); // warm-up
      double capacity = closedLoop(node.url(), permits, Duration.ofSeconds(probeSeconds));
      System.out.printf(Locale.ROOT, "capacity (closed loop, %d connections, %d s): %.0f requests/s (ideal %d permits / %d ms = %.0f/s)%n",
          permits, probeSeconds, capacity, permits, latencyMs, permits * 1000.0 / latencyMs);

      OpenLoop load = new OpenLoop(node.url(), "load");
      int rate1x = (int) Math.max(1, Math.round(capacity));
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

  /** Requests/s answered 200 with {@code connections} callers each sending the next as soon as one returns. */
  private static double closedLoop(String url, int connections, Duration length) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"load\",\"messages\":[{\"role\":\"user\",\"content\":\"probe\"}]}"))
        .build();
    LongAdder ok = new LongAdder();
    long start = System.nanoTime();
    long end = start + length.toNanos();
    List<Thread> callers = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          try {
            if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
              ok.increment();
            }
          } catch (Exception e) {
            return;
          }
        }
      }, "closed-loop-" + c);
      t.start();
      callers.add(t);
    }
    for (Thread t : callers) {
      t.join(length.toMillis() + 70_000);
    }
    return ok.sum() / ((System.nanoTime() - start) / 1e9);
  }
}
