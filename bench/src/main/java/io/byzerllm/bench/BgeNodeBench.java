package io.byzerllm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.embedding.onnx.bgesmallzhv15.BgeSmallZhV15EmbeddingModel;
import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.bge.BgeBackend;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * BGE embeddings through a node over HTTP against the same backend called in-process, in one JVM
 * and one run: the bundled bge-small-zh-v1.5 ({@code custom/bge}) on each engine asked for.
 *
 * <p>In-process: {@code embed()} called back to back with N sentences a call (the batch sizes of
 * {@code --batches}, coalescing off), and {@code --clients} threads each calling {@code embed()}
 * with one sentence, coalescing on and off. Through the node: a node started in this JVM, the model
 * deployed over HTTP ({@code POST /api/deployments}, one worker of {@code --threads} CPUs, worker
 * concurrency {@code max(32, clients)}), then 1 and {@code --clients} closed-loop clients (JDK
 * HttpClient, HTTP/1.1), each sending {@code POST /v1/embeddings} with one sentence, coalescing on
 * ({@code bge.max_wait_ms = --max-wait-ms}) and off ({@code 0}). Every case warms up, then runs
 * {@code --seconds}. Prints sentences/s, HdrHistogram p50/p99 latency per request (per call
 * in-process), errors by kind, sentences per forward pass, process CPU per sentence (the clients and
 * the node share this process), and each case's throughput as a ratio of the best in-process row of
 * the same engine, and the least in-process CPU per sentence as a ratio of the case's (what the
 * throughput ratio would be if this process had the cores to itself). For cases of several clients it
 * also prints where the process's CPU time went, by thread. Latency is from send to answer: the
 * clients are closed-loop, so it is the latency a client that waits for its answer sees.
 *
 * <p>Warm-up runs each case for at least {@code --warmup} seconds and then until the JIT has settled: less
 * than 50 ms of compiling in the last 5 seconds together (at most 120 s). A node runs far more Java code
 * than an in-process library, and on two cores its compiler threads take a share of them for a minute or
 * more; a server that runs for hours pays that once.
 * All cases run {@code --rounds} times, in-process and node interleaved; the table shows each case's
 * best round and the sentences/s of every round, because other processes on a shared machine slow
 * each round by a different amount.
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 *     -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.BgeNodeBench \
 *     [--seconds 10] [--warmup 3] [--rounds 2] [--clients 16] [--threads 1] [--batches 32] [--max-wait-ms 2] \
 *     [--engines onnx,pytorch] [--home DIR] [--deploy quickstart|tuned] [--langchain4j true|false]
 *     [--in-process true|false] [--precision auto|fp32|bf16|int8] [--infer-params k=v,k=v]
 * </pre>
 *
 * <p>By default ({@code --deploy quickstart}) the node's deployment is the README's quick start,
 * {@code llm deploy --pretrained_model_type custom/bge --model emb} with no other flag, and the in-process
 * baseline is LangChain4j's {@code BgeSmallZhV15EmbeddingModel} (1 thread, then {@code --clients} threads,
 * one sentence per call); {@code --deploy tuned} runs the explicit deployments above, batching on and off.
 *
 * The {@code --add-opens} flags are {@link Node#JVM_OPTIONS} (the node's durable deployment table);
 * {@code --home} is the $LLM_HOME of the node and of the in-process backend (default: a temp dir).
 */
public final class BgeNodeBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
  /**
   * JIT compilation time over the last {@link #SETTLE_WINDOW_SECONDS} one-second warm-up steps below which the
   * code is taken as compiled.
   */
  private static final long JIT_SETTLED_MS = 50;
  private static final int SETTLE_WINDOW_SECONDS = 5;
  private static final int MAX_WARMUP_SECONDS = 120;
  /** The engine and batching label of the README's quick-start deployment, which sets neither. */
  private static final String QUICKSTART = "default";
  /** {@code llm deploy --pretrained_model_type custom/bge --model emb}, as the README's quick start runs it. */
  private static final String QUICKSTART_DEPLOYMENT = "{\"model\": \"emb\", \"pretrained_model_type\": \"custom/bge\"}";
  static final String LANGCHAIN4J = "langchain4j";
  /**
   * {@code --precision}: auto (the default) deploys exactly the quick start; fp32, bf16 or int8 adds
   * {@code --infer_params bge.precision=...} to the node's deployment.
   */
  private static String precision = "auto";
  /** {@code --infer-params k=v,...}: more infer params for the quick-start deployment (e.g. bge.pass_cost_tokens=0). */
  private static Map<String, String> extraInferParams = Map.of();

  /** One request of one client: null when it succeeded, else the kind of error. */
  @FunctionalInterface
  private interface Request {
    String send(String sentence) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchSupport.options(args);
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "16"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "2"));
    String maxWaitMs = opts.getOrDefault("max-wait-ms", "2");
    List<Integer> batches = List.of(opts.getOrDefault("batches", "32").split(",")).stream()
        .map(String::trim).map(Integer::parseInt).toList();
    List<String> engines = List.of(opts.getOrDefault("engines", "onnx").split(",")).stream().map(String::trim).toList();
    Path home = opts.containsKey("home") ? Path.of(opts.get("home")) : Files.createTempDirectory("llm-bge-node-bench");
    boolean quickstart = opts.getOrDefault("deploy", "quickstart").equals("quickstart");
    precision = opts.getOrDefault("precision", "auto");
    extraInferParams = BenchSupport.pairs(opts.getOrDefault("infer-params", ""));
    boolean langchain4j = Boolean.parseBoolean(opts.getOrDefault("langchain4j", "true"));
    boolean djlInProcess = Boolean.parseBoolean(opts.getOrDefault("in-process", String.valueOf(!quickstart)));
    if (quickstart) {
      engines = List.of(QUICKSTART); // the README's deploy names no engine: the worker chooses
    }

    System.out.printf("command: %s%n", BenchSupport.commandLine(BgeNodeBench.class, args));
    System.out.println(BenchSupport.machine());
    System.out.printf("load average at start: %.2f (other processes share these cores)%n", BenchSupport.loadAverage());
    System.out.printf("deploy=%s precision=%s infer-params=%s langchain4j=%s in-process=%s%n", quickstart
        ? "quickstart (" + QUICKSTART_DEPLOYMENT + ")" : "tuned", precision, extraInferParams, langchain4j, djlInProcess);
    System.out.printf("model=bundled bge-small-zh-v1.5 engines=%s rounds=%d seconds=%d warmup=%d (at least; longer "
        + "until the JIT settles) clients=1,%d threads=%d in-process batches=%s max_wait_ms=%s (batching on) / 0 (off) "
        + "sentences=%d home=%s%n%n", engines, rounds, seconds, warmup, clients, threads, batches, maxWaitMs,
        BgeSentences.ALL.size(), home);

    if (langchain4j) {
      startDjlOnnxRuntimeFirst(home);
    }
    List<BgeCaseResult> results = new ArrayList<>();
    ExecutorService blocking = Executors.newCachedThreadPool();
    // --client-executor direct: the JDK client hands each answer to the caller from its selector thread
    // (one thread wake fewer per call) instead of through a pool of its own.
    boolean directClient = opts.getOrDefault("client-executor", "pool").equals("direct");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).executor(directClient ? Runnable::run : Executors.newFixedThreadPool(4)).build();
    try {
      for (String engine : engines) {
        for (int round = 1; round <= rounds; round++) {
          System.out.printf("== %s, round %d of %d (load average %.2f)%n", engine, round, rounds,
              BenchSupport.loadAverage());
          if (langchain4j) {
            results.addAll(langChain4j(engine, clients, seconds, warmup));
          }
          if (djlInProcess) {
            results.addAll(inProcess(engine, batches, clients, maxWaitMs, threads, seconds, warmup, home, blocking));
          }
          try (Node node = Node.start(NodeSettings.ephemeral(home))) {
            for (String wait : quickstart ? List.of(QUICKSTART) : List.of(maxWaitMs, "0")) {
              results.addAll(throughNode(http, node, engine, wait, clients, threads, seconds, warmup));
            }
          }
        }
        System.out.printf("load average now: %.2f%n%n", BenchSupport.loadAverage());
      }
    } finally {
      blocking.shutdownNow();
    }
    BgeResultTables.print(results, clients);
    BgeResultTables.printAgainstLangChain4j(results, clients);
    System.out.printf("%nload average at end: %.2f%n", BenchSupport.loadAverage());
    System.exit(0);
  }

  private static List<BgeCaseResult> inProcess(String engine, List<Integer> batches, int clients, String maxWaitMs,
                                        int threads, int seconds, int warmup, Path home, ExecutorService blocking)
      throws Exception {
    List<BgeCaseResult> out = new ArrayList<>();
    long loadStart = System.nanoTime();
    try (BgeBackend backend = BgeEngineBench.open(engine, "0", home, threads, blocking)) {
      System.out.printf("%s loaded in-process in %.1f s: %s%n", engine, (System.nanoTime() - loadStart) / 1e9,
          backend.describe().get("engine_detail"));
      for (int batch : batches) {
        BgeEngineBench.measure(backend, batch, warmup);
        BgeEngineBench.Row row = BgeEngineBench.measure(backend, batch, seconds);
        out.add(BgeResultTables.report(new BgeCaseResult(engine, "in-process", "n/a", 1, batch, row.calls() * batch, row.passes(), Map.of(),
            row.seconds(), row.cpuSeconds(), row.latencyMicros(), -1, Map.of())));
      }
      out.add(inProcessClients(backend, engine, "off", clients, seconds, warmup));
    }
    try (BgeBackend backend = BgeEngineBench.open(engine, maxWaitMs, home, threads, blocking)) {
      out.add(inProcessClients(backend, engine, "on", clients, seconds, warmup));
    }
    return out;
  }

  /**
   * ONNX Runtime has one environment per process, and DJL creates it with thread options, which ONNX Runtime
   * refuses once another library (LangChain4j) has created it plainly: so DJL's engine starts first, with the
   * settings a worker gives it (offline, caches under the home).
   */
  private static void startDjlOnnxRuntimeFirst(Path home) {
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("DJL_CACHE_DIR", home.resolve("cache").resolve("djl").toString());
    System.setProperty("ENGINE_CACHE_DIR", home.resolve("cache").resolve("djl").toString());
    ai.djl.engine.Engine.getEngine("OnnxRuntime");
  }

  /**
   * The in-process library a Java user would pick: LangChain4j's {@code BgeSmallZhV15EmbeddingModel} (the same
   * bundled weights, its own ONNX Runtime session with its own settings), one sentence per {@code embed} call,
   * from 1 thread and from {@code clients} threads.
   */
  private static List<BgeCaseResult> langChain4j(String engine, int clients, int seconds, int warmup)
      throws InterruptedException {
    long loadStart = System.nanoTime();
    BgeSmallZhV15EmbeddingModel model = new BgeSmallZhV15EmbeddingModel();
    System.out.printf("LangChain4j BgeSmallZhV15EmbeddingModel loaded in %.1f s%n", (System.nanoTime() - loadStart) / 1e9);
    Request request = sentence -> model.embed(sentence).content().vector().length > 0 ? null : "no embedding";
    List<BgeCaseResult> out = new ArrayList<>();
    for (int n : List.of(1, clients)) {
      warmUp(n, warmup, request, () -> {});
      BgeCaseResult r = closedLoop(n, seconds, request);
      out.add(BgeResultTables.report(new BgeCaseResult(engine, LANGCHAIN4J, "n/a", n, 1, r.sentences(), 0, r.errors(), r.seconds(),
          r.cpuSeconds(), r.latency(), r.jitMillis(), r.cpuNanosByThread())));
    }
    return out;
  }

  /** {@code clients} threads each calling embed() with one sentence at a time. */
  private static BgeCaseResult inProcessClients(BgeBackend backend, String engine, String batching, int clients, int seconds,
                                         int warmup) throws InterruptedException {
    Request request = sentence -> {
      backend.embed(EmbeddingCall.of(List.of(sentence))).toCompletableFuture().get(5, TimeUnit.MINUTES);
      return null;
    };
    warmUp(clients, warmup, request, () -> {});
    long passes = backend.forwardPasses();
    BgeCaseResult r = closedLoop(clients, seconds, request);
    return BgeResultTables.report(new BgeCaseResult(engine, "in-process", batching, clients, 1, r.sentences(),
        backend.forwardPasses() - passes, r.errors(), r.seconds(), r.cpuSeconds(), r.latency(), r.jitMillis(),
        r.cpuNanosByThread()));
  }

  private static List<BgeCaseResult> throughNode(HttpClient http, Node node, String engine, String maxWaitMs, int clients,
                                          int threads, int seconds, int warmup) throws Exception {
    String batching = maxWaitMs.equals(QUICKSTART) ? QUICKSTART : maxWaitMs.equals("0") ? "off" : "on";
    Map<String, String> params = new TreeMap<>(extraInferParams);
    if (!precision.equals("auto")) {
      params.put("bge.precision", precision);
    }
    String quickstart = params.isEmpty() ? QUICKSTART_DEPLOYMENT
        : QUICKSTART_DEPLOYMENT.replace("}", ", \"infer_params\": " + JSON.writeValueAsString(params) + "}");
    String deployment = maxWaitMs.equals(QUICKSTART) ? quickstart : """
        {"model": "emb", "pretrained_model_type": "custom/bge", "num_workers": 1, "worker_concurrency": %d,
         "cpus_per_worker": %d, "infer_backend": "%s",
         "infer_params": {"bge.max_batch_size": "32", "bge.max_wait_ms": "%s"}}"""
        .formatted(Math.max(32, clients), threads, engine, maxWaitMs);
    long t0 = System.nanoTime();
    HttpResponse<String> deployed = http.send(post(node.httpUrl() + "/api/deployments", deployment),
        HttpResponse.BodyHandlers.ofString());
    if (deployed.statusCode() != 201) {
      throw new IllegalStateException("deploy answered " + deployed.statusCode() + ": " + deployed.body());
    }
    long idleCpu = BenchSupport.processCpuNanos();
    long idleStart = System.nanoTime();
    Thread.sleep(2000);
    System.out.printf("node: deployed %s, batching %s, in %.1f s (%s); idle, this process then uses %.1f CPU ms/s%n",
        engine, batching, (idleStart - t0) / 1e9, workerSettings(http, node), (BenchSupport.processCpuNanos() - idleCpu) / ((System.nanoTime() - idleStart) / 1e9) / 1e6);
    URI embeddings = URI.create(node.httpUrl() + "/v1/embeddings");
    Request request = sentence -> {
      HttpResponse<String> r = http.send(post(embeddings.toString(),
          JSON.writeValueAsString(Map.of("model", "emb", "input", sentence))), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return "HTTP " + r.statusCode();
      }
      return JSON.readTree(r.body()).path("data").path(0).path("embedding").size() > 0 ? null : "no embedding";
    };
    List<BgeCaseResult> out = new ArrayList<>();
    for (int n : List.of(1, clients)) {
      // The count of passes is read before and after the measurement: read it during the warm-up too, as a
      // monitoring scrape would, so that the JIT has seen that request before it comes between the clients' ones.
      warmUp(n, warmup, request, () -> {
        try {
          forwardPasses(http, node);
        } catch (Exception e) {
          throw new IllegalStateException("GET /api/deployments/emb failed", e);
        }
      });
      long passes = forwardPasses(http, node);
      BgeCaseResult r = closedLoop(n, seconds, request);
      out.add(BgeResultTables.report(new BgeCaseResult(engine, "node HTTP", batching, n, 1, r.sentences(), forwardPasses(http, node) - passes,
          r.errors(), r.seconds(), r.cpuSeconds(), r.latency(), r.jitMillis(), r.cpuNanosByThread())));
    }
    http.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/deployments/emb")).DELETE().build(),
        HttpResponse.BodyHandlers.discarding());
    return out;
  }

  /** What the deployment's first worker runs on, from GET /api/deployments/emb: engine, threads, batching. */
  private static String workerSettings(HttpClient http, Node node) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/deployments/emb"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    JsonNode d = JSON.readTree(r.body());
    JsonNode b = d.path("workers").path(0).path("backend");
    return "worker_concurrency " + d.at("/spec/worker_concurrency").asText(d.path("worker_concurrency").asText())
        + ", " + b.path("engine_detail").asText() + ", precision " + b.path("precision").asText() + " ("
        + b.path("engine_choice").asText() + "), threads " + b.path("threads").asText() + ", max_batch_size "
        + b.path("max_batch_size").asText() + ", max_wait_ms " + b.path("max_wait_ms").asText();
  }

  /** The forward passes the deployment's worker has run, from its description in GET /api/deployments/emb. */
  private static long forwardPasses(HttpClient http, Node node) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/deployments/emb"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    JsonNode workers = JSON.readTree(r.body()).path("workers");
    long passes = 0;
    for (JsonNode w : workers) {
      passes += w.path("backend").path("forward_passes").asLong();
    }
    return passes;
  }

  private static HttpRequest post(String url, String json) {
    return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(json)).build();
  }

  /**
   * Runs the case for at least {@code minSeconds}, then on in one-second steps until the JIT compiled for
   * less than {@link #JIT_SETTLED_MS} over the last {@link #SETTLE_WINDOW_SECONDS} steps (at most
   * {@link #MAX_WARMUP_SECONDS}): compiling costs CPU the measurement would otherwise pay, and one quiet
   * second says little, since the compiler works through its queue in bursts. {@code betweenSteps} runs
   * after each step: what the measurement itself will call between the clients' requests.
   */
  private static void warmUp(int clients, int minSeconds, Request request, Runnable betweenSteps)
      throws InterruptedException {
    closedLoop(clients, minSeconds, request);
    betweenSteps.run();
    int s = minSeconds;
    Deque<Long> window = new ArrayDeque<>();
    long windowJit = Long.MAX_VALUE;
    while (s < MAX_WARMUP_SECONDS && windowJit >= JIT_SETTLED_MS) {
      window.addLast(closedLoop(clients, 1, request).jitMillis());
      betweenSteps.run();
      if (window.size() > SETTLE_WINDOW_SECONDS) {
        window.removeFirst();
      }
      windowJit = window.size() < SETTLE_WINDOW_SECONDS ? Long.MAX_VALUE
          : window.stream().mapToLong(Long::longValue).sum();
      s++;
    }
    System.out.printf("  (warm-up %d s, %d client(s); JIT %s ms in its last %d seconds)%n", s, clients,
        window.stream().mapToLong(Long::longValue).sum(), window.size());
  }

  /** {@code clients} threads, each sending the next sentence as soon as its previous answer is in, for {@code seconds}. */
  private static BgeCaseResult closedLoop(int clients, int seconds, Request request) throws InterruptedException {
    Recorder recorder = new Recorder(TimeUnit.MINUTES.toMicros(10), 3);
    LongAdder ok = new LongAdder();
    Map<String, Long> errors = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    long cpuStart = BenchSupport.processCpuNanos();
    long jitStart = JIT.getTotalCompilationTime();
    Map<Long, Long> threadCpuStart = threadCpuNanos();
    LongAdder clientCpu = new LongAdder();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> {
        for (long i = client; System.nanoTime() < end; i += clients) {
          long sent = System.nanoTime();
          String error;
          try {
            error = request.send(BgeSentences.get(i));
          } catch (Exception e) {
            error = e.getClass().getSimpleName();
          }
          if (error == null) {
            recorder.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
            ok.increment();
          } else {
            errors.merge(error, 1L, Long::sum);
          }
        }
        clientCpu.add(THREADS.getCurrentThreadCpuTime());
      }, "bench-client-" + c);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    long cpu = BenchSupport.processCpuNanos() - cpuStart;
    return new BgeCaseResult("", "", "", clients, 1, ok.sum(), 0, new TreeMap<>(errors), (System.nanoTime() - start) / 1e9,
        cpu / 1e9, recorder.getIntervalHistogram(), JIT.getTotalCompilationTime() - jitStart, cpuByThread(threadCpuStart, clientCpu.sum(), cpu));
  }

  /** CPU time of every live thread of this process, by thread id. */
  private static Map<Long, Long> threadCpuNanos() {
    Map<Long, Long> out = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long cpu = THREADS.getThreadCpuTime(id);
      if (cpu > 0) {
        out.put(id, cpu);
      }
    }
    return out;
  }

  /**
   * Where a case's CPU time went: the clients' threads, every other Java thread grouped by its name
   * (digits as '#'), and the rest of the process (GC, JIT, native threads, threads that ended).
   */
  private static Map<String, Long> cpuByThread(Map<Long, Long> start, long clientNanos, long processNanos) {
    Map<String, Long> out = new HashMap<>();
    out.put("bench clients (send, read, parse)", clientNanos);
    for (Map.Entry<Long, Long> e : threadCpuNanos().entrySet()) {
      ThreadInfo info = THREADS.getThreadInfo(e.getKey());
      if (info == null || info.getThreadName().startsWith("bench-client-")) {
        continue;
      }
      long used = e.getValue() - start.getOrDefault(e.getKey(), 0L);
      if (used > 0) {
        out.merge(info.getThreadName().replaceAll("\\d+", "#"), used, Long::sum);
      }
    }
    long threads = out.values().stream().mapToLong(Long::longValue).sum();
    out.put("rest of the process (GC, JIT, native threads, ended threads)", Math.max(0, processNanos - threads));
    return out;
  }
}
