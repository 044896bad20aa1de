package io.byzerllm.bench;

import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.bge.BgeBackend;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * BGE embeddings in-process: the {@code custom/bge} backend on each DJL engine (PyTorch running
 * the BERT forward pass in NDArray operations, and OnnxRuntime), bundled bge-small-zh-v1.5, one
 * embed() call at a time (closed loop) at batch sizes 1, 8 and 32 of mixed-length Chinese and
 * English sentences. After a warm-up it prints sentences/s, HdrHistogram p50/p99 latency per call,
 * the process CPU time per sentence (robust to other load on the machine), and OnnxRuntime's
 * throughput as a ratio of PyTorch's measured in the same run. Coalescing
 * across calls is off ({@code bge.max_wait_ms=0}); a call of N texts runs as the backend runs it,
 * in passes of similar-length texts (at most a third padding), so the figures are what a caller gets.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.BgeEngineBench \
 *     [--seconds 10] [--warmup 3] [--threads N] [--batches 1,8,32] [--engines pytorch,onnx] [--home DIR]
 * </pre>
 *
 * {@code --threads} is the worker's CPU threads (default: all cores); {@code --home} is the
 * $LLM_HOME whose cache/ receives the unpacked model and DJL's native libraries (default: a temp dir).
 */
public final class BgeEngineBench {
  /** Fixed inputs: short and long, Chinese, English and mixed, about 5 to 120 tokens. */
  static final List<String> SENTENCES = List.of(
      "你好",
      "今天天气很好，我们去公园散步吧。",
      "How do I renew my passport?",
      "向量数据库把文本转换成向量，再用近似最近邻算法检索与查询最相似的文档。",
      "The quick brown fox jumps over the lazy dog.",
      "机器学习",
      "Embeddings map sentences to vectors so that similar meanings end up close together in the space.",
      "北京是中华人民共和国的首都，也是全国的政治、文化、国际交往和科技创新中心。",
      "混合 mixed 中英文 sentence with 数字 12345 and punctuation!?",
      "Bananas are rich in potassium.",
      "深度学习模型需要大量的数据和计算资源，训练一个大型语言模型往往需要成千上万张显卡运行数周时间，"
          + "而推理阶段同样对延迟和吞吐有很高的要求，因此批处理、量化和缓存等技术被广泛使用。",
      "ByzerLLM deploys models onto a cluster with one command and lets programs call them by name.",
      "请问附近有没有好吃的川菜馆？",
      "A short one.",
      "Dynamic batching coalesces concurrent requests into one forward pass, trading a few milliseconds of "
          + "waiting for much higher throughput when many small requests arrive at the same time on a busy server.",
      "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。");

  private record Row(String engine, int batch, long calls, long passes, double seconds, double cpuSeconds,
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
    Map<String, String> opts = options(args);
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
    List<Integer> batches = List.of(opts.getOrDefault("batches", "1,8,32").split(",")).stream()
        .map(String::trim).map(Integer::parseInt).toList();
    List<String> engines = List.of(opts.getOrDefault("engines", "pytorch,onnx").split(","));
    Path home = opts.containsKey("home") ? Path.of(opts.get("home")) : Files.createTempDirectory("llm-bge-bench");

    System.out.printf("command: %s%n", commandLine(args));
    System.out.printf("java %s (%s), %d cores, %s %s%n", System.getProperty("java.version"),
        System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
        System.getProperty("os.arch"));
    System.out.printf("load average at start: %.2f (other processes share these cores)%n", loadAverage());
    System.out.printf("model=bundled bge-small-zh-v1.5 engines=%s batches=%s seconds=%d warmup=%d threads=%d "
        + "sentences=%d home=%s%n%n", engines, batches, seconds, warmup, threads, SENTENCES.size(), home);

    List<Row> rows = new ArrayList<>();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      for (String engine : engines) {
        rows.addAll(runEngine(engine.trim(), batches, seconds, warmup, threads, home, executor));
      }
    } finally {
      executor.shutdown();
      executor.awaitTermination(30, TimeUnit.SECONDS);
    }
    print(rows);
    System.out.printf("%nload average at end: %.2f%n", loadAverage());
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static List<Row> runEngine(String engine, List<Integer> batches, int seconds, int warmup, int threads,
                                     Path home, ExecutorService executor) throws Exception {
    ModelSpec spec = ModelSpec.of("emb", ModelType.CUSTOM_BGE, Map.of("bge.max_batch_size", "32", "bge.max_wait_ms", "0"))
        .withModelPath("", engine);
    long loadStart = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    try (BgeBackend backend = (BgeBackend) BgeBackend.open(new BackendContext(spec, 0, home, threads, List.of(), executor))) {
      System.out.printf("%s loaded in %.1f s: %s%n", engine, (System.nanoTime() - loadStart) / 1e9,
          backend.describe().get("engine_detail"));
      for (int batch : batches) {
        measure(backend, batch, warmup);
        Row row = measure(backend, batch, seconds);
        rows.add(new Row(engine, batch, row.calls(), row.passes(), row.seconds(), row.cpuSeconds(), row.latencyMicros()));
        System.out.printf("  batch %2d: %8.1f sentences/s  p50 %8.2f ms  p99 %8.2f ms  %6.2f CPU ms/sentence  "
            + "(%d calls, %.2f passes/call)%n", batch, row.sentencesPerSecond(),
            row.latencyMicros().getValueAtPercentile(50) / 1000.0, row.latencyMicros().getValueAtPercentile(99) / 1000.0,
            row.cpuMillisPerSentence(), row.calls(), (double) row.passes() / row.calls());
      }
    }
    return rows;
  }

  /** Calls embed() back to back for {@code seconds}, each call the next {@code batch} sentences in rotation. */
  private static Row measure(BgeBackend backend, int batch, int seconds) throws Exception {
    Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    long passesStart = backend.forwardPasses();
    long calls = 0;
    int offset = 0;
    while (System.nanoTime() < end) {
      List<String> texts = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        texts.add(SENTENCES.get((offset + i) % SENTENCES.size()));
      }
      offset = (offset + batch) % SENTENCES.size();
      long t0 = System.nanoTime();
      backend.embed(EmbeddingCall.of(texts)).toCompletableFuture().get(5, TimeUnit.MINUTES);
      latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
      calls++;
    }
    return new Row("", batch, calls, backend.forwardPasses() - passesStart, (System.nanoTime() - start) / 1e9,
        (processCpuNanos() - cpuStart) / 1e9, latency);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void print(List<Row> rows) {
    System.out.printf("%n| engine | batch | passes/call | sentences/s | p50 ms | p99 ms | CPU ms/sentence "
        + "| OnnxRuntime / PyTorch |%n");
    System.out.printf("|---|---:|---:|---:|---:|---:|---:|---:|%n");
    for (Row r : rows) {
      Row torch = rows.stream().filter(o -> o.engine().equals("pytorch") && o.batch() == r.batch()).findFirst().orElse(null);
      String ratio = r.engine().equals("onnx") && torch != null
          ? String.format(Locale.ROOT, "%.2fx (CPU per sentence: %.2fx less)",
              r.sentencesPerSecond() / torch.sentencesPerSecond(), torch.cpuMillisPerSentence() / r.cpuMillisPerSentence())
          : "";
      System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f | %.2f | %.2f | %.2f | %s |%n", r.engine(), r.batch(),
          (double) r.passes() / r.calls(), r.sentencesPerSecond(), r.latencyMicros().getValueAtPercentile(50) / 1000.0,
          r.latencyMicros().getValueAtPercentile(99) / 1000.0, r.cpuMillisPerSentence(), ratio);
    }
  }

  /** The command as run, with the (long) class path abbreviated to its entry count. */
  private static String commandLine(String[] args) {
    List<String> jvmFlags = ManagementFactory.getRuntimeMXBean().getInputArguments();
    int classPathEntries = System.getProperty("java.class.path").split(java.io.File.pathSeparator).length;
    return ("java " + String.join(" ", jvmFlags) + " -cp <" + classPathEntries + " entries> "
        + BgeEngineBench.class.getName() + " " + String.join(" ", args)).replaceAll(" +", " ").trim();
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
      }
      out.put(args[i].substring(2), args[i + 1]);
    }
    return out;
  }
}
