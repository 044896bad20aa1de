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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * BGE embeddings in-process: the {@code custom/bge} backend on each DJL engine (PyTorch running
 * the BERT forward pass as one TorchScript call, in fp32 or with {@code -bf16} in bfloat16, and
 * OnnxRuntime, with {@code -int8} on its int8 variant; {@code auto} as a default deployment chooses),
 * bundled bge-small-zh-v1.5, one embed() call at a time (closed loop) at batch sizes 1, 8 and 32 of
 * mixed-length Chinese and English sentences. Every engine is loaded first; then each round measures
 * each batch size on each engine in turn (A, B, A, B), so that load from other processes falls on all
 * alike. After a warm-up it prints sentences/s, HdrHistogram p50/p99 latency per call, the process CPU
 * time per sentence (robust to other load on the machine), and each engine's CPU per sentence as a
 * ratio of OnnxRuntime fp32's (and OnnxRuntime's throughput as a ratio of PyTorch's) in the same run;
 * the table keeps each case's round with the least CPU per sentence. Coalescing
 * across calls is off ({@code bge.max_wait_ms=0}); a call of N texts runs as the backend runs it,
 * in passes of similar-length texts (at most a third padding), so the figures are what a caller gets.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.BgeEngineBench \
 *     [--seconds 10] [--warmup 3] [--threads N] [--batches 1,8,32] [--engines pytorch,onnx] [--rounds 1] [--home DIR]
 * </pre>
 *
 * {@code --threads} is the worker's CPU threads (default: all cores); {@code --home} is the
 * $LLM_HOME whose cache/ receives the unpacked model and DJL's native libraries (default: a temp dir).
 */
public final class BgeEngineBench {
  record Row(String engine, int batch, long calls, long passes, double seconds, double cpuSeconds,
             Histogram latencyMicros) {
    double sentencesPerSecond() {
      return calls * batch / seconds;
    }

    /** Process CPU time per sentence: what a sentence costs, however busy the machine is with others' work. */
    double cpuMillisPerSentence() {
      return cpuSeconds * 1000 / (calls * batch);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchSupport.options(args);
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
    List<Integer> batches = List.of(opts.getOrDefault("batches", "1,8,32").split(",")).stream()
        .map(String::trim).map(Integer::parseInt).toList();
    List<String> engines = List.of(opts.getOrDefault("engines", "pytorch,onnx").split(",")).stream().map(String::trim)
        .toList();
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));
    Path home = opts.containsKey("home") ? Path.of(opts.get("home")) : Files.createTempDirectory("llm-bge-bench");

    System.out.printf("command: %s%n", BenchSupport.commandLine(BgeEngineBench.class, args));
    System.out.println(BenchSupport.machine());
    System.out.printf("load average at start: %.2f (other processes share these cores)%n", BenchSupport.loadAverage());
    System.out.printf("model=bundled bge-small-zh-v1.5 engines=%s batches=%s seconds=%d warmup=%d threads=%d "
        + "sentences=%d home=%s%n%n", engines, batches, seconds, warmup, threads, BgeSentences.ALL.size(), home);

    List<Row> rows = new ArrayList<>();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    Map<String, BgeBackend> backends = new LinkedHashMap<>();
    try {
      for (String engine : engines) {
        long loadStart = System.nanoTime();
        BgeBackend backend = open(engine, "0", home, threads, executor);
        backends.put(engine, backend);
        System.out.printf("%s loaded in %.1f s: %s; %s%n", engine, (System.nanoTime() - loadStart) / 1e9,
            backend.describe().get("engine_detail"), backend.describe().get("engine_choice"));
      }
      for (int round = 1; round <= rounds; round++) {
        for (int batch : batches) {
          for (Map.Entry<String, BgeBackend> e : backends.entrySet()) {
            measure(e.getValue(), batch, warmup);
            Row row = measure(e.getValue(), batch, seconds);
            rows.add(new Row(e.getKey(), batch, row.calls(), row.passes(), row.seconds(), row.cpuSeconds(),
                row.latencyMicros()));
            System.out.printf("  round %d %-13s batch %2d: %8.1f sentences/s  p50 %8.2f ms  p99 %8.2f ms  %6.2f CPU "
                + "ms/sentence  (%d calls, %.2f passes/call)%n", round, e.getKey(), batch, row.sentencesPerSecond(),
                row.latencyMicros().getValueAtPercentile(50) / 1000.0,
                row.latencyMicros().getValueAtPercentile(99) / 1000.0, row.cpuMillisPerSentence(), row.calls(),
                (double) row.passes() / row.calls());
          }
        }
      }
    } finally {
      backends.values().forEach(BgeBackend::close);
      executor.shutdown();
      executor.awaitTermination(30, TimeUnit.SECONDS);
    }
    print(leastCpu(rows));
    System.out.printf("%nload average at end: %.2f%n", BenchSupport.loadAverage());
  }

  /** Each (engine, batch) case's round with the least CPU per sentence, in the order first measured. */
  private static List<Row> leastCpu(List<Row> rows) {
    Map<String, Row> best = new LinkedHashMap<>();
    for (Row r : rows) {
      best.merge(r.engine() + "|" + r.batch(), r,
          (a, b) -> b.cpuMillisPerSentence() < a.cpuMillisPerSentence() ? b : a);
    }
    return List.copyOf(best.values());
  }

  /**
   * The bundled bge-small-zh-v1.5 on {@code engine} ("pytorch" or "onnx") as a worker of {@code threads}
   * CPU threads would run it, coalescing concurrent calls for at most {@code maxWaitMs} ("0": not at all).
   */
  static BgeBackend open(String engine, String maxWaitMs, Path home, int threads, Executor executor) {
    // "onnx-int8", "pytorch-bf16": the engine in that precision (bge.precision); a plain engine name runs fp32,
    // and "auto" lets the worker choose as a default deployment does (bge.precision=auto, no --infer_backend).
    int dash = engine.indexOf('-');
    String backend = engine.equals("auto") ? "" : dash < 0 ? engine : engine.substring(0, dash);
    String precision = engine.equals("auto") ? "auto" : dash < 0 ? "fp32" : engine.substring(dash + 1);
    ModelSpec spec = ModelSpec.of("emb", ModelType.CUSTOM_BGE, Map.of("bge.max_batch_size", "32", "bge.max_wait_ms",
        maxWaitMs, "bge.precision", precision)).withModelPath("", backend);
    return (BgeBackend) BgeBackend.open(new BackendContext(spec, 0, home, threads, List.of(), executor));
  }

  /** Calls embed() back to back for {@code seconds}, each call the next {@code batch} sentences in rotation. */
  static Row measure(BgeBackend backend, int batch, int seconds) throws Exception {
    Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    long cpuStart = BenchSupport.processCpuNanos();
    long passesStart = backend.forwardPasses();
    long calls = 0;
    int offset = 0;
    while (System.nanoTime() < end) {
      List<String> texts = BgeSentences.take(offset, batch);
      offset = (offset + batch) % BgeSentences.ALL.size();
      long t0 = System.nanoTime();
      backend.embed(EmbeddingCall.of(texts)).toCompletableFuture().get(5, TimeUnit.MINUTES);
      latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
      calls++;
    }
    return new Row("", batch, calls, backend.forwardPasses() - passesStart, (System.nanoTime() - start) / 1e9,
        (BenchSupport.processCpuNanos() - cpuStart) / 1e9, latency);
  }

  private static void print(List<Row> rows) {
    System.out.printf("%n| engine | batch | passes/call | sentences/s | p50 ms | p99 ms | CPU ms/sentence "
        + "| CPU / onnx fp32 | OnnxRuntime / PyTorch |%n");
    System.out.printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|%n");
    for (Row r : rows) {
      Row torch = rows.stream().filter(o -> o.engine().equals("pytorch") && o.batch() == r.batch()).findFirst().orElse(null);
      Row onnx = rows.stream().filter(o -> o.engine().equals("onnx") && o.batch() == r.batch()).findFirst().orElse(null);
      String cpuRatio = onnx == null ? "" : String.format(Locale.ROOT, "%.2f", r.cpuMillisPerSentence()
          / onnx.cpuMillisPerSentence());
      String ratio = r.engine().equals("onnx") && torch != null
          ? String.format(Locale.ROOT, "%.2fx (CPU per sentence: %.2fx less)",
              r.sentencesPerSecond() / torch.sentencesPerSecond(), torch.cpuMillisPerSentence() / r.cpuMillisPerSentence())
          : "";
      System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.2f | %.2f | %.2f | %s | %s |%n", r.engine(), r.batch(),
          (double) r.passes() / r.calls(), r.sentencesPerSecond(), r.latencyMicros().getValueAtPercentile(50) / 1000.0,
          r.latencyMicros().getValueAtPercentile(99) / 1000.0, r.cpuMillisPerSentence(), cpuRatio, ratio);
    }
  }
}
