package io.byzerllm.bench;

import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.bge.BgeBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * The batcher alone: {@code --clients} threads each calling the {@code custom/bge} backend's
 * {@code embed()} with one sentence at a time (closed loop, no HTTP), against workers that differ only
 * in their infer params ({@code --variants "k=v,k=v;k=v"}, one worker each, sharing the weights). The
 * variants run interleaved, round after round, so the machine's other load falls on each alike. Prints
 * sentences/s, p50 per call, sentences per forward pass and process CPU ms per sentence, with the CPU by
 * thread group.
 *
 * <pre>
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.BgeBatchingBench \
 *     [--clients 16] [--threads 2] [--seconds 6] [--warmup 3] [--rounds 3] \
 *     [--variants "bge.pass_cost_tokens=14;bge.pass_cost_tokens=0"] [--home DIR]
 * </pre>
 */
public final class BgeBatchingBench {
  private BgeBatchingBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchSupport.options(args);
    int clients = Integer.parseInt(opts.getOrDefault("clients", "16"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "6"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    List<String> variants = List.of(opts.getOrDefault("variants", "").split(";"));
    Path home = opts.containsKey("home") ? Path.of(opts.get("home")) : Files.createTempDirectory("llm-bge-batching");
    System.out.printf("command: %s%n%s%nload average at start: %.2f%n", BenchSupport.commandLine(BgeBatchingBench.class,
        args), BenchSupport.machine(), BenchSupport.loadAverage());

    ExecutorService executor = Executors.newFixedThreadPool(2);
    Map<String, BgeBackend> backends = new LinkedHashMap<>();
    Map<String, List<String>> rows = new LinkedHashMap<>();
    try {
      for (String v : variants) {
        Map<String, String> params = new TreeMap<>(Map.of("bge.max_batch_size", "32", "bge.max_wait_ms", "2"));
        params.putAll(BenchSupport.pairs(v));
        ModelSpec spec = ModelSpec.of("emb", ModelType.CUSTOM_BGE, params).withModelPath("", "onnx");
        BgeBackend b = (BgeBackend) BgeBackend.open(new BackendContext(spec, backends.size(), home, threads, List.of(),
            executor));
        backends.put(v.isBlank() ? "(defaults)" : v, b);
        System.out.printf("%s: %s%n", v.isBlank() ? "(defaults)" : v, b.describe().get("engine_detail"));
      }
      for (BgeBackend b : backends.values()) {
        closedLoop(b, clients, warmup);
      }
      for (int round = 1; round <= rounds; round++) {
        System.out.printf("round %d (load average %.2f)%n", round, BenchSupport.loadAverage());
        for (Map.Entry<String, BgeBackend> e : backends.entrySet()) {
          String r = closedLoop(e.getValue(), clients, seconds);
          rows.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
          System.out.printf("  %-40s %s%n", e.getKey(), r);
        }
      }
    } finally {
      for (BgeBackend b : backends.values()) {
        b.close();
      }
      executor.shutdown();
    }
    System.out.printf("%nload average at end: %.2f%n", BenchSupport.loadAverage());
    System.exit(0);
  }

  private static String closedLoop(BgeBackend backend, int clients, int seconds) throws Exception {
    Recorder latency = new Recorder(TimeUnit.MINUTES.toMicros(10), 3);
    LongAdder done = new LongAdder();
    long passes = backend.forwardPasses();
    CpuUse before = CpuUse.now();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> {
        for (long i = client; System.nanoTime() < end; i += clients) {
          long t0 = System.nanoTime();
          try {
            backend.embed(EmbeddingCall.of(List.of(BgeSentences.get(i)))).toCompletableFuture().get(5, TimeUnit.MINUTES);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
          done.increment();
        }
      }, "bench-client-" + c);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    Map<String, Double> cpu = CpuUse.now().microsPerRequestSince(before, done.sum());
    StringBuilder groups = new StringBuilder();
    cpu.forEach((name, micros) -> {
      if (micros >= 100 && !name.equals("(process)")) {
        groups.append(String.format(Locale.ROOT, " %s %.2f", name, micros / 1000));
      }
    });
    return String.format(Locale.ROOT, "%6.1f sentences/s  p50 %7.2f ms  %4.1f sentences/pass  %6.2f CPU ms/sentence"
        + "  (by thread, ms:%s)", done.sum() / secs, latency.getIntervalHistogram().getValueAtPercentile(50) / 1000.0,
        (double) done.sum() / Math.max(1, backend.forwardPasses() - passes), cpu.get("(process)") / 1000, groups);
  }
}
