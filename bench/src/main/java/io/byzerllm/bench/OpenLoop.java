package io.byzerllm.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Chat requests at a fixed rate, whatever the answers take (open loop): each request's latency runs
 * from the moment it was due, so a node that falls behind cannot hide it by slowing the sender.
 * Answers are sorted into accepted (200), refused (429) and errors (anything else, by status or
 * exception).
 */
final class OpenLoop {
  private static final String BODY = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hello load\"}]}";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  /** What one window of sending saw; latencies in microseconds. */
  record Window(Histogram accepted, Histogram refused, Map<String, Long> errors, double seconds) {
    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final HttpClient http;
  private final URI uri;
  private final String body;
  private final Recorder accepted = new Recorder(3);
  private final Recorder refused = new Recorder(3);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

  OpenLoop(String nodeUrl, String model) {
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "open-loop-http");
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
    this.uri = URI.create(nodeUrl + "/v1/chat/completions");
    this.body = BODY.formatted(model);
  }

  /** Sends {@code rate} requests a second for {@code length}, waits for their answers, and returns what they were. */
  Window run(int rate, Duration length) throws InterruptedException {
    resetCounts();
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    long end = start + length.toNanos();
    Phaser inFlight = new Phaser(1);
    for (long due = start; due < end; due += intervalNanos) {
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      send(due, inFlight);
    }
    try {
      inFlight.awaitAdvanceInterruptibly(inFlight.arrive(), CALL_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("answers still missing " + (CALL_TIMEOUT.toSeconds() + 10) + " s after the last send", e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Long> errorCounts = new TreeMap<>();
    errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
    return new Window(accepted.getIntervalHistogram(), refused.getIntervalHistogram(), errorCounts, seconds);
  }

  private void send(long due, Phaser inFlight) {
    inFlight.register();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(CALL_TIMEOUT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
      long micros = (System.nanoTime() - due) / 1000;
      if (e != null) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        errors.computeIfAbsent(cause.getClass().getSimpleName(), k -> new LongAdder()).increment();
      } else if (r.statusCode() == 200) {
        accepted.recordValue(micros);
      } else if (r.statusCode() == 429) {
        refused.recordValue(micros);
      } else {
        errors.computeIfAbsent("HTTP " + r.statusCode(), k -> new LongAdder()).increment();
      }
      inFlight.arriveAndDeregister();
    });
  }

  private void resetCounts() {
    accepted.getIntervalHistogram();
    refused.getIntervalHistogram();
    errors.clear();
  }

  /** {@code p50 1.2 ms, p99 ..., p99.9 ..., max ...} of a histogram in microseconds. */
  static String percentiles(Histogram h) {
    if (h.getTotalCount() == 0) {
      return "none";
    }
    return String.format(java.util.Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms",
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
        h.getMaxValue() / 1000.0);
  }
}
