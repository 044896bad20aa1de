package io.byzerllm.bench;

import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Gateway overhead: the same chat request sent straight to a local OpenAI-compatible upstream and
 * through a node in front of it, closed-loop at N connections and open-loop at fixed rates
 * (latency measured from the intended send time, so a stall is not hidden). Prints HdrHistogram
 * percentiles and requests/s for both, and the node's added latency.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl bench -am
 * java -cp "bench/target/classes:bench/target/lib/*" io.byzerllm.bench.GatewayOverheadBench \
 *     [--seconds 10] [--warmup 5] [--connections 16] [--rates 500,1000,2000]
 * </pre>
 *
 * <p>{@code --ops_cost true} measures instead what the node's request accounting and keys cost: two
 * nodes in this JVM, one with {@code /metrics}, the access log and an API key on (called with an issued
 * inference key whose limits are checked on every call, set too high to refuse one), one with all
 * of them off, each in front of
 * the same upstream, measured closed-loop in turns (off, on, on, off, ...); it prints both throughputs,
 * their ratio and the CPU per request of each.
 *
 * <p>{@code --stream_cost true} measures what a stream costs the node, closed-loop at N connections:
 * the same streamed chat of {@code --words} words (one event each) in OpenAI's own shape, which an
 * OpenAI-compatible provider's stream passes through as bytes, and with a byzerllm option
 * ({@code max_length}) that makes the node translate it event by event, in turns (A, B, B, A, ...)
 * on one node, and once straight to the upstream; it prints streams/s, latency to the end of the
 * stream, and CPU per stream by thread group, with the load average before and after.
 *
 * <p>{@code --ab "key=value;..."} compares two node configurations the same way: A as configured by
 * default, B with those settings (e.g. {@code pekko.io.tcp.worker-dispatcher=pekko.actor.internal-dispatcher}),
 * {@code --rounds} turns each; it prints both throughputs and the CPU per request of each by thread group.
 * {@code --ab_infer "key=value;..."} does the same with B's deployment given those infer params
 * (e.g. {@code saas.http_client=jdk}: the JDK client for whole answers, against the lean one); the two
 * switches may be combined.
 */
public final class GatewayOverheadBench {
  private static final String BENCH_KEY = "sk-bench-key-000000";
  /** The key calls to a node send ({@code host:port}), where it is not {@link #BENCH_KEY} (an issued key). */
  private static final Map<String, String> KEY_BY_NODE = new ConcurrentHashMap<>();
  private static final String BODY = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hello gateway\"}]}";
  private static final String STREAM_BODY =
      "{\"model\":\"%s\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello gateway\"}]}";

  private record Result(String name, Histogram latency, long ok, Map<String, Long> errors, double seconds) {
    double rps() {
      return ok / seconds;
    }
  }

  /** The node's own time per request as it reports it ({@code x-llm-overhead-ms}), in microseconds. */
  private static final Recorder OVERHEAD = new Recorder(3);

  public static void main(String[] args) throws Exception {
    io.byzerllm.server.CommonPool.configure(); // as a node JVM has it (Node.JVM_OPTIONS)
    Map<String, String> opts = options(args);
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
    int connections = Integer.parseInt(opts.getOrDefault("connections", "16"));
    List<Integer> rates = List.of(opts.getOrDefault("rates", "500,1000,2000").split(",")).stream()
        .map(String::trim).map(Integer::parseInt).toList();
    System.out.printf("GatewayOverheadBench %s%njava %s (%s), %d cores%nseconds=%d warmup=%d connections=%d rates=%s%n",
        String.join(" ", args), System.getProperty("java.version"), System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(), seconds, warmup, connections, rates);

    if (Boolean.parseBoolean(opts.getOrDefault("stream_cost", "false"))) {
      streamCost(seconds, warmup, connections, Integer.parseInt(opts.getOrDefault("rounds", "2")),
          Integer.parseInt(opts.getOrDefault("words", "40")));
      System.exit(0);
    }
    if (opts.containsKey("ab") || opts.containsKey("ab_infer")) {
      compareConfigs(opts.getOrDefault("ab", ""), opts.getOrDefault("ab_infer", ""), seconds, warmup, connections,
          Integer.parseInt(opts.getOrDefault("rounds", "2")));
      System.exit(0);
    }
    if (Boolean.parseBoolean(opts.getOrDefault("ops_cost", "false"))) {
      opsCost(seconds, warmup, connections, Integer.parseInt(opts.getOrDefault("rounds", "2")));
      System.exit(0);
    }
    Path home = Files.createTempDirectory("llm-bench");
    try (FakeOpenAiServer upstream = FakeOpenAiServer.start();
         Node node = Node.start(NodeSettings.ephemeral(home))) {
      upstream.recording(false);
      HttpClient http = client();
      deploy(http, node, upstream);
      URI direct = URI.create(upstream.baseUrl() + "/chat/completions");
      URI gateway = URI.create(node.httpUrl() + "/v1/chat/completions");

      closedLoop(http, direct, "up-model", connections, warmup);
      closedLoop(http, gateway, "bench", connections, warmup);
      OVERHEAD.getIntervalHistogram(); // forget the warm-up's
      System.out.printf("%n== closed loop, %d connections, %ds ==%n", connections, seconds);
      CpuUse beforeDirect = CpuUse.now();
      Result directResult = closedLoop(http, direct, "up-model", connections, seconds);
      CpuUse beforeNode = CpuUse.now();
      Result nodeResult = closedLoop(http, gateway, "bench", connections, seconds);
      CpuUse afterNode = CpuUse.now();
      report(directResult, nodeResult);
      Histogram overhead = OVERHEAD.getIntervalHistogram();
      System.out.printf(Locale.ROOT, "the node's own time (x-llm-overhead-ms): p50 %.3f ms, p99 %.3f ms%n",
          ms(overhead, 50), ms(overhead, 99));
      printCpu(beforeNode.microsPerRequestSince(beforeDirect, directResult.ok()),
          afterNode.microsPerRequestSince(beforeNode, nodeResult.ok()));
      for (int rate : rates) {
        System.out.printf("%n== open loop, %d requests/s, %ds ==%n", rate, seconds);
        report(openLoop(http, direct, "up-model", rate, seconds), openLoop(http, gateway, "bench", rate, seconds));
      }
      int streams = Integer.parseInt(opts.getOrDefault("streams", "300"));
      System.out.printf("%n== streams, one at a time, %d each: time to the first event ==%n", streams);
      // The stream path is code of its own: warm it as long as the blocking one before measuring.
      closedLoop(http, direct, "up-model", connections, warmup, STREAM_BODY);
      closedLoop(http, gateway, "bench", connections, warmup, STREAM_BODY);
      report(firstEvents(http, direct, "up-model", streams), firstEvents(http, gateway, "bench", streams));
    }
    System.exit(0);
  }

  /** Closed-loop throughput and CPU per request through a node with metrics and access log on, and one with them off. */
  private static void opsCost(int seconds, int warmup, int connections, int rounds) throws Exception {
    Path onHome = Files.createTempDirectory("llm-bench-ops-on");
    Path offHome = Files.createTempDirectory("llm-bench-ops-off");
    NodeSettings on = NodeSettings.ephemeral(onHome).withConfig("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on")
        .withApiKey(BENCH_KEY);
    NodeSettings off = NodeSettings.ephemeral(offHome).withConfig("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on")
        .withConfig("byzerllm.ops.metrics", "off").withConfig("byzerllm.ops.access-log.enabled", "off");
    try (FakeOpenAiServer upstream = FakeOpenAiServer.start(); Node withOps = Node.start(on); Node withoutOps = Node.start(off)) {
      upstream.recording(false);
      HttpClient http = client();
      deploy(http, withOps, upstream);
      deploy(http, withoutOps, upstream);
      URI onUri = URI.create(withOps.httpUrl() + "/v1/chat/completions");
      KEY_BY_NODE.put(onUri.getAuthority(), issueInferenceKey(http, withOps));
      URI offUri = URI.create(withoutOps.httpUrl() + "/v1/chat/completions");
      closedLoop(http, offUri, "bench", connections, warmup);
      closedLoop(http, onUri, "bench", connections, warmup);
      System.out.printf("%n== request accounting and keys on vs off: closed loop, %d connections, %d rounds of %ds each ==%n",
          connections, rounds, seconds);
      long[] ok = new long[2];
      double[] secs = new double[2];
      double[] cpu = new double[2];
      Histogram[] latency = {new Histogram(3), new Histogram(3)};
      for (int round = 0; round < rounds; round++) {
        for (int turn = 0; turn < 2; turn++) {
          int i = (turn + round) % 2; // off first in odd rounds, on first in even ones: JIT drift favours neither
          URI uri = i == 0 ? offUri : onUri;
          CpuUse before = CpuUse.now();
          Result r = closedLoop(http, uri, "bench", connections, seconds);
          Map<String, Double> perRequest = CpuUse.now().microsPerRequestSince(before, r.ok());
          ok[i] += r.ok();
          secs[i] += r.seconds();
          cpu[i] += perRequest.get("(process)") * r.ok();
          latency[i].add(r.latency());
          System.out.printf(Locale.ROOT, "round %d %-4s %9.0f req/s  p50 %.3f ms  p99 %.3f ms  CPU %.1f us/request  errors %s%n",
              round + 1, i == 0 ? "off" : "on", r.rps(), ms(r.latency(), 50), ms(r.latency(), 99),
              perRequest.get("(process)"), new TreeMap<>(r.errors()));
        }
      }
      double offRps = ok[0] / secs[0];
      double onRps = ok[1] / secs[1];
      System.out.printf(Locale.ROOT, "off: %.0f req/s, p50 %.3f ms, p99 %.3f ms, CPU %.1f us/request%n", offRps,
          ms(latency[0], 50), ms(latency[0], 99), cpu[0] / ok[0]);
      System.out.printf(Locale.ROOT, "on:  %.0f req/s, p50 %.3f ms, p99 %.3f ms, CPU %.1f us/request%n", onRps,
          ms(latency[1], 50), ms(latency[1], 99), cpu[1] / ok[1]);
      System.out.printf(Locale.ROOT, "throughput ratio on/off %.3f; CPU per request on - off %+.1f us%n", onRps / offRps,
          cpu[1] / ok[1] - cpu[0] / ok[0]);
      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(withOps.httpUrl() + "/metrics"))
              .header("Authorization", "Bearer " + BENCH_KEY).build(),
          HttpResponse.BodyHandlers.ofString());
      System.out.printf("/metrics on the node with accounting and keys on: %d bytes; access log: %d bytes%n",
          metrics.body().length(), Files.size(onHome.resolve("nodes/127.0.0.1_0/access.log")));
    }
  }

  /**
   * Closed-loop streams through one node, passed through as bytes and translated, in turns; CPU per
   * stream by thread group for each, and for the same streams straight to the upstream.
   */
  private static void streamCost(int seconds, int warmup, int connections, int rounds, int words) throws Exception {
    String text = "word ".repeat(Math.max(1, words - 1)).trim();
    String[] names = {"bytes", "translated"};
    String[] bodies = {
        "{\"model\":\"%s\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}",
        "{\"model\":\"%s\",\"stream\":true,\"max_length\":4096,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}"};
    Path home = Files.createTempDirectory("llm-bench-streams");
    try (FakeOpenAiServer upstream = FakeOpenAiServer.start(); Node node = Node.start(NodeSettings.ephemeral(home))) {
      upstream.recording(false);
      HttpClient http = client();
      deploy(http, node, upstream);
      URI direct = URI.create(upstream.baseUrl() + "/chat/completions");
      URI gateway = URI.create(node.httpUrl() + "/v1/chat/completions");
      for (String body : bodies) {
        closedLoop(http, gateway, "bench", connections, warmup, body);
      }
      closedLoop(http, direct, "up-model", connections, warmup, bodies[0]);
      System.out.printf("%n== streams of %d events, closed loop, %d connections, %d rounds of %ds each; load average %s ==%n",
          words + 2, connections, rounds, seconds, loadAverage());
      CpuUse beforeDirect = CpuUse.now();
      Result directResult = closedLoop(http, direct, "up-model", connections, seconds, bodies[0]);
      Map<String, Double> directCpu = CpuUse.now().microsPerRequestSince(beforeDirect, directResult.ok());
      System.out.printf(Locale.ROOT, "direct     %9.0f streams/s  p50 %.3f ms  p99 %.3f ms  CPU %.1f us/stream  errors %s%n",
          directResult.rps(), ms(directResult.latency(), 50), ms(directResult.latency(), 99), directCpu.get("(process)"),
          new TreeMap<>(directResult.errors()));
      long[] ok = new long[2];
      double[] secs = new double[2];
      List<Map<String, Double>> cpu = List.of(new TreeMap<>(), new TreeMap<>());
      Histogram[] latency = {new Histogram(3), new Histogram(3)};
      for (int round = 0; round < rounds; round++) {
        for (int turn = 0; turn < 2; turn++) {
          int i = (turn + round) % 2; // each goes first in every other round: JIT drift favours neither
          CpuUse before = CpuUse.now();
          Result r = closedLoop(http, gateway, "bench", connections, seconds, bodies[i]);
          Map<String, Double> perStream = CpuUse.now().microsPerRequestSince(before, r.ok());
          ok[i] += r.ok();
          secs[i] += r.seconds();
          perStream.forEach((group, us) -> cpu.get(i).merge(group, us * r.ok(), Double::sum));
          latency[i].add(r.latency());
          System.out.printf(Locale.ROOT, "round %d %-10s %9.0f streams/s  p50 %.3f ms  p99 %.3f ms  CPU %.1f us/stream  errors %s%n",
              round + 1, names[i], r.rps(), ms(r.latency(), 50), ms(r.latency(), 99), perStream.get("(process)"),
              new TreeMap<>(r.errors()));
        }
      }
      System.out.printf("CPU per stream (us), by thread group (load average after: %s):%n%-52s %10s %10s %10s%n",
          loadAverage(), "", "direct", names[0], names[1]);
      java.util.TreeSet<String> groups = new java.util.TreeSet<>(directCpu.keySet());
      groups.addAll(cpu.get(0).keySet());
      groups.addAll(cpu.get(1).keySet());
      for (String g : groups) {
        System.out.printf(Locale.ROOT, "%-52s %10.1f %10.1f %10.1f%n", g, directCpu.getOrDefault(g, 0.0),
            cpu.get(0).getOrDefault(g, 0.0) / ok[0], cpu.get(1).getOrDefault(g, 0.0) / ok[1]);
      }
      for (int i = 0; i < 2; i++) {
        System.out.printf(Locale.ROOT, "%-10s %.0f streams/s, p50 %.3f ms, p99 %.3f ms, the node's share %.1f us of CPU per stream%n",
            names[i], ok[i] / secs[i], ms(latency[i], 50), ms(latency[i], 99),
            cpu.get(i).get("(process)") / ok[i] - directCpu.get("(process)"));
      }
    }
  }

  /**
   * Two nodes in this JVM, A as configured by default and B with {@code settings} ({@code key=value;...}), each
   * in front of an upstream of its own (so each has its own upstream client), measured closed-loop in turns
   * (A, B, B, A, ...): throughput and CPU per request of each, by thread group.
   */
  private static void compareConfigs(String settings, String inferParams, int seconds, int warmup, int connections,
                                     int rounds) throws Exception {
    NodeSettings a = NodeSettings.ephemeral(Files.createTempDirectory("llm-bench-a"))
        .withConfig("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    NodeSettings b = NodeSettings.ephemeral(Files.createTempDirectory("llm-bench-b"))
        .withConfig("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    for (Map.Entry<String, String> kv : pairs(settings).entrySet()) {
      b = b.withConfig(kv.getKey(), kv.getValue());
    }
    try (FakeOpenAiServer upA = FakeOpenAiServer.start(); FakeOpenAiServer upB = FakeOpenAiServer.start();
         Node nodeA = Node.start(a); Node nodeB = Node.start(b)) {
      upA.recording(false);
      upB.recording(false);
      HttpClient http = client();
      deploy(http, nodeA, upA);
      deploy(http, nodeB, upB, pairs(inferParams));
      URI[] uris = {URI.create(nodeA.httpUrl() + "/v1/chat/completions"), URI.create(nodeB.httpUrl() + "/v1/chat/completions")};
      System.out.printf("B: %s; load average %.2f%n", (settings + " " + inferParams).trim(), java.lang.management.ManagementFactory
          .getOperatingSystemMXBean().getSystemLoadAverage());
      closedLoop(http, uris[0], "bench", connections, warmup);
      closedLoop(http, uris[1], "bench", connections, warmup);
      long[] ok = new long[2];
      double[] secs = new double[2];
      List<Map<String, Double>> cpu = List.of(new TreeMap<>(), new TreeMap<>());
      for (int round = 0; round < rounds; round++) {
        for (int turn = 0; turn < 2; turn++) {
          int i = (turn + round) % 2;
          CpuUse before = CpuUse.now();
          Result r = closedLoop(http, uris[i], "bench", connections, seconds);
          Map<String, Double> perRequest = CpuUse.now().microsPerRequestSince(before, r.ok());
          ok[i] += r.ok();
          secs[i] += r.seconds();
          perRequest.forEach((g, us) -> cpu.get(i).merge(g, us * r.ok(), Double::sum));
          System.out.printf(Locale.ROOT, "round %d %s %9.0f req/s  p50 %.3f ms  p99 %.3f ms  CPU %.1f us/request  errors %s%n",
              round + 1, i == 0 ? "A" : "B", r.rps(), ms(r.latency(), 50), ms(r.latency(), 99),
              perRequest.get("(process)"), new TreeMap<>(r.errors()));
        }
      }
      Map<String, Double> perA = new TreeMap<>();
      Map<String, Double> perB = new TreeMap<>();
      cpu.get(0).forEach((g, total) -> perA.put(g, total / ok[0]));
      cpu.get(1).forEach((g, total) -> perB.put(g, total / ok[1]));
      System.out.printf(Locale.ROOT, "A: %.0f req/s; B: %.0f req/s; ratio B/A %.3f; load average %.2f%n", ok[0] / secs[0],
          ok[1] / secs[1], (ok[1] / secs[1]) / (ok[0] / secs[0]),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      System.out.printf("CPU per request (us), by thread group:%n%-52s %10s %10s%n", "", "A", "B");
      java.util.TreeSet<String> groups = new java.util.TreeSet<>(perA.keySet());
      groups.addAll(perB.keySet());
      for (String g : groups) {
        System.out.printf("%-52s %10.1f %10.1f%n", g, perA.getOrDefault(g, 0.0), perB.getOrDefault(g, 0.0));
      }
    }
  }

  /** {@code "k=v;k2=v2"} as a map, in order. */
  private static Map<String, String> pairs(String list) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String kv : list.split(";")) {
      if (!kv.isBlank()) {
        int eq = kv.indexOf('=');
        out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return out;
  }

  /** The benchmark's client: HTTP/1.1 (as most SDKs speak to a gateway), four threads. */
  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(4)).build();
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** CPU per request of the same closed loop straight to the upstream and through the node: the node's share is the difference. */
  private static void printCpu(Map<String, Double> direct, Map<String, Double> viaNode) {
    System.out.printf("CPU per request (us), by thread group:%n%-52s %10s %10s%n", "", "direct", "via node");
    java.util.TreeSet<String> groups = new java.util.TreeSet<>(direct.keySet());
    groups.addAll(viaNode.keySet());
    for (String g : groups) {
      System.out.printf("%-52s %10.1f %10.1f%n", g, direct.getOrDefault(g, 0.0), viaNode.getOrDefault(g, 0.0));
    }
    System.out.printf("the node's share: %.1f us of CPU per request%n", viaNode.get("(process)") - direct.get("(process)"));
  }

  /** An inference key for "bench" with every limit set, high enough that none refuses a call here. */
  private static String issueInferenceKey(HttpClient http, Node node) throws Exception {
    String body = "{\"name\":\"bench\",\"role\":\"inference\",\"models\":[\"bench\"],\"rpm\":100000000,"
        + "\"tpm\":1000000000000,\"max_concurrent\":100000}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/keys"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + BENCH_KEY)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw new IllegalStateException("creating a key failed: " + r.statusCode() + " " + r.body());
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("key").asText();
  }

  private static void deploy(HttpClient http, Node node, FakeOpenAiServer upstream) throws Exception {
    deploy(http, node, upstream, Map.of());
  }

  private static void deploy(HttpClient http, Node node, FakeOpenAiServer upstream, Map<String, String> extraParams)
      throws Exception {
    StringBuilder extra = new StringBuilder();
    extraParams.forEach((k, v) -> extra.append(", \"").append(k).append("\": \"").append(v).append('"'));
    String spec = """
        {"model": "bench", "pretrained_model_type": "saas/openai", "num_workers": 2, "worker_concurrency": 128,
         "infer_params": {"saas.api_key": "sk-bench-key-000000", "saas.base_url": "%s", "saas.model": "up-model",
                          "saas.max_retries": "0", "worker.queue_size": "4096"%s}}""".formatted(upstream.baseUrl(), extra);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/deployments"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + BENCH_KEY).POST(HttpRequest.BodyPublishers.ofString(spec)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("deploy failed: " + r.body());
    }
  }

  private static HttpRequest request(URI uri, String model) {
    return request(uri, model, BODY);
  }

  private static HttpRequest request(URI uri, String model, String body) {
    return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + KEY_BY_NODE.getOrDefault(uri.getAuthority(), BENCH_KEY))
        .POST(HttpRequest.BodyPublishers.ofString(body.formatted(model))).build();
  }

  private static Result closedLoop(HttpClient http, URI uri, String model, int connections, int seconds)
      throws InterruptedException {
    return closedLoop(http, uri, model, connections, seconds, BODY);
  }

  private static Result closedLoop(HttpClient http, URI uri, String model, int connections, int seconds, String body)
      throws InterruptedException {
    Recorder recorder = new Recorder(3);
    LongAdder ok = new LongAdder();
    Map<String, Long> errors = new ConcurrentHashMap<>();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          long sent = System.nanoTime();
          try {
            HttpResponse<Void> r = http.send(request(uri, model, body), HttpResponse.BodyHandlers.discarding());
            record(recorder, ok, errors, sent, r.statusCode());
            r.headers().firstValue("x-llm-overhead-ms").ifPresent(v -> OVERHEAD.recordValue(
                Math.max(1, Math.round(Double.parseDouble(v) * 1000))));
          } catch (Exception e) {
            errors.merge(e.getClass().getSimpleName(), 1L, Long::sum);
          }
        }
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return new Result(uri.getPort() + uri.getPath(), recorder.getIntervalHistogram(), ok.sum(), errors,
        (System.nanoTime() - start) / 1e9);
  }

  private static Result openLoop(HttpClient http, URI uri, String model, int rate, int seconds) throws Exception {
    Recorder recorder = new Recorder(3);
    LongAdder ok = new LongAdder();
    Map<String, Long> errors = new ConcurrentHashMap<>();
    long intervalNanos = 1_000_000_000L / rate;
    long start = System.nanoTime();
    long total = (long) rate * seconds;
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (long i = 0; i < total; i++) {
      long intended = start + i * intervalNanos;
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      all.add(http.sendAsync(request(uri, model), HttpResponse.BodyHandlers.discarding())
          .thenAccept(r -> record(recorder, ok, errors, intended, r.statusCode()))
          .exceptionally(e -> {
            errors.merge(e.getClass().getSimpleName(), 1L, Long::sum);
            return null;
          }));
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // The rate is beyond what this path sustains: report the backlog rather than wait for it.
      errors.put("unanswered 30 s after the last send", all.stream().filter(f -> !f.isDone()).count());
    }
    return new Result(uri.getPort() + uri.getPath(), recorder.getIntervalHistogram(), ok.sum(), errors,
        (System.nanoTime() - start) / 1e9);
  }

  /** Sequential streamed chats: the latency recorded is until the first {@code data:} line arrives. */
  private static Result firstEvents(HttpClient http, URI uri, String model, int count) throws Exception {
    Recorder recorder = new Recorder(3);
    LongAdder ok = new LongAdder();
    Map<String, Long> errors = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long sent = System.nanoTime();
      HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .header("Authorization", "Bearer sk-bench-key-000000").timeout(java.time.Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(STREAM_BODY.formatted(model))).build();
      HttpResponse<java.io.InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
          java.nio.charset.StandardCharsets.UTF_8))) {
        String line;
        boolean first = true;
        while ((line = in.readLine()) != null) {
          if (first && line.startsWith("data:")) {
            record(recorder, ok, errors, sent, r.statusCode());
            first = false;
          }
        }
      }
    }
    return new Result(uri.getPort() + uri.getPath(), recorder.getIntervalHistogram(), ok.sum(), errors,
        (System.nanoTime() - start) / 1e9);
  }

  private static void record(Recorder recorder, LongAdder ok, Map<String, Long> errors, long sentNanos, int status) {
    if (status == 200) {
      recorder.recordValue(Math.max(1, (System.nanoTime() - sentNanos) / 1000));
      ok.increment();
    } else {
      errors.merge("HTTP " + status, 1L, Long::sum);
    }
  }

  private static void report(Result direct, Result gateway) {
    System.out.printf("%-9s %9s %9s %9s %9s %9s %9s %10s  %s%n", "", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms",
        "req/s", "ok", "errors");
    line("direct", direct);
    line("via node", gateway);
    System.out.printf(Locale.ROOT, "node adds: p50 %+.3f ms, p99 %+.3f ms, p99.9 %+.3f ms; throughput ratio %.2f%n",
        ms(gateway.latency(), 50) - ms(direct.latency(), 50), ms(gateway.latency(), 99) - ms(direct.latency(), 99),
        ms(gateway.latency(), 99.9) - ms(direct.latency(), 99.9), gateway.rps() / direct.rps());
  }

  private static void line(String name, Result r) {
    System.out.printf(Locale.ROOT, "%-9s %9.3f %9.3f %9.3f %9.3f %9.3f %9.0f %10d  %s%n", name, ms(r.latency(), 50),
        ms(r.latency(), 90), ms(r.latency(), 99), ms(r.latency(), 99.9), r.latency().getMaxValue() / 1000.0, r.rps(),
        r.ok(), new TreeMap<>(r.errors()));
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      out.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return out;
  }
}
