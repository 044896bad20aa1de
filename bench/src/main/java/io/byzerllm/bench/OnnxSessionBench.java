package io.byzerllm.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.byzerllm.worker.bge.BundledModel;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * ONNX Runtime alone on the bundled bge-small-zh-v1.5, with no DJL, batcher or node in between: how
 * the session's settings and the way its callers run it change the CPU per sentence and the latency.
 * Each variant is a session (intra-op threads, spinning, graph optimization level) and a way of
 * calling it (how many caller threads run {@code Run} at once, sentences per call, whether a call's
 * sentences are of similar length). Variants run interleaved, round after round, so that the machine's
 * other load falls on all of them alike. It first saves the graph as ONNX Runtime optimizes it and
 * lists its operator types, which shows what the optimizer fused.
 *
 * <pre>
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.OnnxSessionBench \
 *     [--seconds 4] [--rounds 3] [--home DIR]
 * </pre>
 */
public final class OnnxSessionBench {
  /** A session's settings. */
  record Settings(int intraOpThreads, boolean spinning, OrtSession.SessionOptions.OptLevel level, boolean stopSpinning) {
    Settings(int intraOpThreads, boolean spinning, OrtSession.SessionOptions.OptLevel level) {
      this(intraOpThreads, spinning, level, false);
    }

    String label() {
      return "intra " + intraOpThreads + (spinning ? stopSpinning ? " spin in Run only" : " spin" : " nospin") + " "
          + level.name().replace("_OPT", "");
    }
  }

  /** A session and how it is called: {@code callers} threads, each running {@code batch} sentences per Run. */
  record Variant(String name, Settings settings, int callers, int batch, boolean sortedLengths) {}

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchSupport.options(args);
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "4"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    Path home = opts.containsKey("home") ? Path.of(opts.get("home")) : Files.createTempDirectory("llm-onnx-bench");
    Path dir = BundledModel.DEFAULT.extractTo(home.resolve("cache"));
    Path model = dir.resolve("model.onnx");
    System.out.printf("command: %s%n%s%nload average at start: %.2f%n", BenchSupport.commandLine(OnnxSessionBench.class,
        args), BenchSupport.machine(), BenchSupport.loadAverage());

    for (OrtSession.SessionOptions.OptLevel level : List.of(OrtSession.SessionOptions.OptLevel.BASIC_OPT,
        OrtSession.SessionOptions.OptLevel.EXTENDED_OPT, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
      Path optimized = home.resolve("optimized-" + level.name() + ".onnx");
      try (OrtSession.SessionOptions o = options(new Settings(1, false, level))) {
        o.setOptimizedModelFilePath(optimized.toString());
        ENV.createSession(model.toString(), o).close();
      }
      System.out.printf("graph after %s: %s%n", level, opTypes(optimized));
    }
    System.out.printf("graph as exported: %s%n%n", opTypes(model));

    List<long[]> sentences = tokenize(dir.resolve("tokenizer.json"));
    System.out.printf("token counts of the bench sentences: %s%n", sentences.stream().map(t -> t.length).sorted().toList());
    if (Boolean.parseBoolean(opts.getOrDefault("grid", "false"))) {
      costGrid(model, sentences, seconds);
      return;
    }
    OrtSession.SessionOptions.OptLevel all = OrtSession.SessionOptions.OptLevel.ALL_OPT;
    List<Variant> variants = List.of(
        new Variant("1 caller, batch 1", new Settings(2, false, all), 1, 1, false),
        new Variant("1 caller, batch 1", new Settings(1, false, all), 1, 1, false),
        new Variant("1 caller, batch 1", new Settings(2, true, all), 1, 1, false),
        new Variant("1 caller, batch 1", new Settings(2, true, all, true), 1, 1, false),
        new Variant("1 caller, batch 1", new Settings(1, false, OrtSession.SessionOptions.OptLevel.BASIC_OPT), 1, 1, false),
        new Variant("2 callers, batch 1", new Settings(1, false, all), 2, 1, false),
        new Variant("2 callers, batch 1", new Settings(2, false, all), 2, 1, false),
        new Variant("1 caller, batch 4 mixed", new Settings(2, false, all), 1, 4, false),
        new Variant("1 caller, batch 4 sorted", new Settings(2, false, all), 1, 4, true),
        new Variant("2 callers, batch 4 sorted", new Settings(1, false, all), 2, 4, true),
        new Variant("1 caller, batch 16 sorted", new Settings(2, false, all), 1, 16, true));
    Map<Settings, OrtSession> sessions = new LinkedHashMap<>();
    for (Variant v : variants) {
      if (!sessions.containsKey(v.settings())) {
        sessions.put(v.settings(), ENV.createSession(model.toString(), options(v.settings())));
      }
    }
    Map<Variant, List<double[]>> results = new LinkedHashMap<>();
    for (Variant v : variants) {
      run(sessions.get(v.settings()), v, sentences, 2); // warm-up
    }
    for (int round = 1; round <= rounds; round++) {
      System.out.printf("round %d (load average %.2f)%n", round, BenchSupport.loadAverage());
      for (Variant v : variants) {
        double[] r = run(sessions.get(v.settings()), v, sentences, seconds);
        results.computeIfAbsent(v, k -> new ArrayList<>()).add(r);
        System.out.printf(Locale.ROOT, "  %-26s %-24s %7.1f sentences/s  p50 %6.2f ms  %6.2f CPU ms/sentence%n",
            v.name(), v.settings().label(), r[0], r[1], r[2]);
      }
    }
    System.out.printf("%n| callers and batch | session | sentences/s (each round) | p50 ms per Run (each round) "
        + "| CPU ms/sentence (each round) |%n|---|---|---|---|---|%n");
    for (Map.Entry<Variant, List<double[]>> e : results.entrySet()) {
      System.out.printf("| %s | %s | %s | %s | %s |%n", e.getKey().name(), e.getKey().settings().label(),
          column(e.getValue(), 0, "%.0f"), column(e.getValue(), 1, "%.2f"), column(e.getValue(), 2, "%.2f"));
    }
    System.out.printf("%nload average at end: %.2f%n", BenchSupport.loadAverage());
    for (OrtSession s : sessions.values()) {
      s.close();
    }
  }

  /**
   * CPU ms per Run of one session (1 intra-op thread, so CPU time is the work itself) for passes of
   * {@code size} texts all {@code length} tokens long: what a pass costs as a function of its shape.
   */
  private static void costGrid(Path model, List<long[]> sentences, int seconds) throws Exception {
    long[] longest = sentences.stream().max(java.util.Comparator.comparingInt(t -> t.length)).orElseThrow();
    try (OrtSession session = ENV.createSession(model.toString(), options(new Settings(1, false,
        OrtSession.SessionOptions.OptLevel.ALL_OPT)))) {
      System.out.printf("%n| length \\ size | 1 | 2 | 4 | 8 | 16 |%n|---:|---:|---:|---:|---:|---:|%n");
      for (int length : List.of(4, 8, 16, 32, 64, 128)) {
        long[] text = java.util.Arrays.copyOf(longest, length);
        text[length - 1] = longest[longest.length - 1];
        StringBuilder row = new StringBuilder("| " + length + " |");
        for (int size : List.of(1, 2, 4, 8, 16)) {
          List<long[]> pass = java.util.Collections.nCopies(size, text);
          long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
          while (System.nanoTime() < end) {
            forward(session, pass);
          }
          long cpu = BenchSupport.processCpuNanos();
          int runs = 0;
          end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
          while (System.nanoTime() < end) {
            forward(session, pass);
            runs++;
          }
          row.append(String.format(Locale.ROOT, " %.2f |", (BenchSupport.processCpuNanos() - cpu) / 1e6 / runs));
        }
        System.out.println(row);
      }
    }
    System.out.printf("(CPU ms per Run; load average at end %.2f)%n", BenchSupport.loadAverage());
  }

  private static String column(List<double[]> rows, int index, String format) {
    List<String> out = new ArrayList<>();
    for (double[] r : rows) {
      out.add(String.format(Locale.ROOT, format, r[index]));
    }
    return String.join(" / ", out);
  }

  private static OrtSession.SessionOptions options(Settings s) throws Exception {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setIntraOpNumThreads(s.intraOpThreads());
    o.setInterOpNumThreads(1);
    o.setOptimizationLevel(s.level());
    o.addConfigEntry("session.intra_op.allow_spinning", s.spinning() ? "1" : "0");
    if (s.stopSpinning()) {
      o.addConfigEntry("session.force_spinning_stop", "1"); // spin between a Run's operators, sleep after it
    }
    return o;
  }

  private static List<long[]> tokenize(Path tokenizerJson) throws Exception {
    List<long[]> out = new ArrayList<>();
    try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("addSpecialTokens", "true",
        "truncation", "false", "padding", "false"))) {
      for (String s : BgeSentences.ALL) {
        out.add(t.encode(s).getIds());
      }
    }
    return out;
  }

  /** {sentences/s, p50 ms per Run, process CPU ms per sentence} of {@code v} for {@code seconds}. */
  private static double[] run(OrtSession session, Variant v, List<long[]> sentences, int seconds) throws Exception {
    List<long[]> byLength = sentences.stream().sorted(java.util.Comparator.comparingInt(t -> t.length)).toList();
    Recorder latency = new Recorder(TimeUnit.MINUTES.toMicros(1), 3);
    LongAdder done = new LongAdder();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    long cpu = BenchSupport.processCpuNanos();
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    for (int c = 0; c < v.callers(); c++) {
      int caller = c;
      Thread t = new Thread(() -> {
        try {
          for (long i = caller * (long) v.batch(); System.nanoTime() < end; i += (long) v.batch() * v.callers()) {
            List<long[]> batch = new ArrayList<>();
            for (int k = 0; k < v.batch(); k++) {
              // sorted: neighbours in length order, as a length-bucketed pass holds; else spread over all lengths
              int index = (int) (v.sortedLengths() ? (i + k) % sentences.size() : (i + k * 5L) % sentences.size());
              batch.add(v.sortedLengths() ? byLength.get(index) : sentences.get(index));
            }
            long t0 = System.nanoTime();
            forward(session, batch);
            latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
            done.add(batch.size());
          }
        } catch (Exception e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    return new double[] {done.sum() / secs, latency.getIntervalHistogram().getValueAtPercentile(50) / 1000.0,
        (BenchSupport.processCpuNanos() - cpu) / 1e6 / done.sum()};
  }

  private static void forward(OrtSession session, List<long[]> texts) throws Exception {
    int length = texts.stream().mapToInt(t -> t.length).max().orElse(1);
    int size = texts.size();
    long[] ids = new long[size * length];
    long[] mask = new long[size * length];
    for (int row = 0; row < size; row++) {
      long[] t = texts.get(row);
      System.arraycopy(t, 0, ids, row * length, t.length);
      for (int i = 0; i < t.length; i++) {
        mask[row * length + i] = 1;
      }
    }
    long[] shape = {size, length};
    try (OnnxTensor a = OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), shape);
         OnnxTensor b = OnnxTensor.createTensor(ENV, LongBuffer.wrap(mask), shape);
         OnnxTensor c = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[size * length]), shape);
         OrtSession.Result r = session.run(inputs(session, a, b, c))) {
      ((OnnxTensor) r.get(0)).getFloatBuffer();
    }
  }

  private static Map<String, OnnxTensor> inputs(OrtSession session, OnnxTensor ids, OnnxTensor mask, OnnxTensor types) {
    Map<String, OnnxTensor> in = new LinkedHashMap<>();
    for (String name : session.getInputNames()) {
      in.put(name, switch (name) {
        case "input_ids" -> ids;
        case "attention_mask" -> mask;
        default -> types;
      });
    }
    return in;
  }

  /** Operator types of an ONNX file and how often each occurs, read from the node's op_type strings. */
  static Map<String, Integer> opTypes(Path onnx) throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    OnnxOps.forEachOpType(Files.readAllBytes(onnx), op -> counts.merge(op, 1, Integer::sum));
    return counts;
  }

  private OnnxSessionBench() {}
}
