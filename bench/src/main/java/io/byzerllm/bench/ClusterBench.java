package io.byzerllm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.server.Node;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.NodeProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * A 3-node cluster of separate JVMs on 127.0.0.1: time from deploy to ready for 1 and for 10
 * workers, the routing cost of a cross-node hop against a local one (same worker, asked through
 * its own node or through another), and the time from {@code kill -9} of a node to the deployment
 * serving at its full worker count again.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl bench -am
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.ClusterBench [--requests 2000]
 * </pre>
 */
public final class ClusterBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    int requests = 2000;
    boolean link = true;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--requests" -> requests = Integer.parseInt(args[i + 1]);
        case "--link" -> link = !args[i + 1].equals("off");
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --requests N, --link on|off");
      }
    }
    System.out.printf("ClusterBench %s%njava %s, %d cores, 3 node JVMs, %d requests per hop measurement, node link %s%n",
        String.join(" ", args), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), requests,
        link ? "on" : "off (calls to other nodes go as the cluster's messages)");
    List<String> jvmOptions = new ArrayList<>(Node.JVM_OPTIONS);
    if (!link) {
      jvmOptions.add("-Dbyzerllm.server.link.enabled=false");
    }
    Path dir = Files.createTempDirectory("llm-cluster-bench");
    try (FakeOpenAiServer upstream = FakeOpenAiServer.start(); NodeProcesses nodes = new NodeProcesses(jvmOptions)) {
      upstream.recording(false);
      List<NodeProcesses.Spec> specs = new ArrayList<>();
      List<Process> processes = new ArrayList<>();
      for (String name : List.of("a", "b", "c")) {
        NodeProcesses.Spec s = NodeProcesses.spec(dir.resolve(name), 16);
        specs.add(s);
        processes.add(nodes.start(s, specs.get(0).clusterAddress()));
      }
      long t0 = System.nanoTime();
      for (NodeProcesses.Spec s : specs) {
        until(() -> upNodes(s.url()) == 3, Duration.ofSeconds(120));
      }
      System.out.printf("cluster of 3 up in %.1f s%n", seconds(t0));
      String a = specs.get(0).url();

      deployToReady(a, upstream, 1);
      deployToReady(a, upstream, 10);
      hops(specs, upstream, requests);
      failover(specs, processes, upstream);
    }
    System.exit(0);
  }

  private static void deployToReady(String url, FakeOpenAiServer upstream, int workers) throws Exception {
    Histogram h = new Histogram(3);
    for (int i = 0; i < 5; i++) {
      String model = "d" + workers + "-" + i;
      long t = System.nanoTime();
      HttpResponse<String> r = deploy(url, model, upstream, workers, 0.01);
      h.recordValue((System.nanoTime() - t) / 1000);
      check(r, 201);
      send(url, "DELETE", "/api/deployments/" + model, null);
    }
    System.out.printf(Locale.ROOT, "deploy -> ready, %2d workers: p50 %.1f ms, max %.1f ms (5 deploys)%n", workers,
        h.getValueAtPercentile(50) / 1000.0, h.getMaxValue() / 1000.0);
  }

  /** One worker; the same calls through its own node (local) and through another node (one cross-node hop). */
  private static void hops(List<NodeProcesses.Spec> specs, FakeOpenAiServer upstream, int requests) throws Exception {
    check(deploy(specs.get(0).url(), "hop", upstream, 1, 1), 201);
    JsonNode d = JSON.readTree(send(specs.get(0).url(), "GET", "/api/deployments/hop", null).body());
    String workerNode = d.get("workers").get(0).get("node").asText();
    NodeProcesses.Spec local = specs.stream().filter(s -> s.clusterAddress().equals(workerNode)).findFirst().orElseThrow();
    NodeProcesses.Spec remote = specs.stream().filter(s -> s != local).findFirst().orElseThrow();
    measure(local.url(), requests / 4);
    measure(remote.url(), requests / 4);
    Histogram viaLocal = measure(local.url(), requests);
    Histogram viaRemote = measure(remote.url(), requests);
    Histogram direct = directToUpstream(upstream, requests);
    System.out.printf(Locale.ROOT, "%-28s %8s %8s %8s%n", "one connection, sequential", "p50 ms", "p99 ms", "p99.9");
    line("upstream directly", direct);
    line("through the worker's node", viaLocal);
    line("through another node", viaRemote);
    System.out.printf(Locale.ROOT, "cross-node hop adds: p50 %+.3f ms, p99 %+.3f ms%n",
        (viaRemote.getValueAtPercentile(50) - viaLocal.getValueAtPercentile(50)) / 1000.0,
        (viaRemote.getValueAtPercentile(99) - viaLocal.getValueAtPercentile(99)) / 1000.0);
    int streams = Math.max(100, requests / 4);
    measureStreams(local.url(), streams / 4);
    measureStreams(remote.url(), streams / 4);
    Histogram[] streamLocal = measureStreams(local.url(), streams);
    Histogram[] streamRemote = measureStreams(remote.url(), streams);
    System.out.printf(Locale.ROOT, "%-28s %8s %8s %8s%n", "streams, sequential (" + streams + ")", "p50 ms", "p99 ms", "p99.9");
    line("first event, worker's node", streamLocal[0]);
    line("first event, another node", streamRemote[0]);
    line("whole stream, worker's node", streamLocal[1]);
    line("whole stream, another node", streamRemote[1]);
    System.out.printf(Locale.ROOT, "cross-node hop adds to a stream: first event p50 %+.3f ms, whole stream p50 %+.3f ms%n",
        (streamRemote[0].getValueAtPercentile(50) - streamLocal[0].getValueAtPercentile(50)) / 1000.0,
        (streamRemote[1].getValueAtPercentile(50) - streamLocal[1].getValueAtPercentile(50)) / 1000.0);
    send(specs.get(0).url(), "DELETE", "/api/deployments/hop", null);
  }

  private static void failover(List<NodeProcesses.Spec> specs, List<Process> processes, FakeOpenAiServer upstream)
      throws Exception {
    String a = specs.get(0).url();
    check(deploy(a, "f", upstream, 3, 4), 201);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Thread load = new Thread(() -> {
      while (running.get()) {
        try {
          HttpResponse<String> r = chat(a, "f");
          (r.statusCode() == 200 ? ok : failed).incrementAndGet();
          if (r.statusCode() != 200 && failed.get() <= 3) {
            System.out.println("  failed during failover: " + r.statusCode() + " " + r.body());
          }
        } catch (Exception e) {
          failed.incrementAndGet();
        }
      }
    });
    load.start();
    until(() -> ok.get() > 50, Duration.ofSeconds(30));
    String lost = specs.get(2).clusterAddress();
    long t = System.nanoTime();
    NodeProcesses.kill(processes.get(2));
    until(() -> readyWorkersAvoiding(a, "f", lost) == 3, Duration.ofSeconds(120));
    double healed = seconds(t);
    running.set(false);
    load.join();
    System.out.printf(Locale.ROOT, "kill -9 of a node -> 3 of 3 workers ready again: %.2f s (requests during: %d ok, %d failed)%n",
        healed, ok.get(), failed.get());
  }

  private static Histogram measure(String url, int n) throws Exception {
    Histogram h = new Histogram(3);
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      check(chat(url, "hop"), 200);
      h.recordValue((System.nanoTime() - t) / 1000);
    }
    return h;
  }

  /** Streamed chats one after another: time to the first {@code data:} line, and to the end of the stream. */
  private static Histogram[] measureStreams(String url, int n) throws Exception {
    Histogram first = new Histogram(3);
    Histogram whole = new Histogram(3);
    String body = "{\"model\": \"hop\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"hello cluster\"}]}";
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      HttpResponse<java.io.InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
          .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
      try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
          java.nio.charset.StandardCharsets.UTF_8))) {
        if (r.statusCode() != 200) {
          throw new IllegalStateException("expected 200, got " + r.statusCode());
        }
        boolean seen = false;
        String line;
        while ((line = in.readLine()) != null) {
          if (!seen && line.startsWith("data:")) {
            first.recordValue((System.nanoTime() - t) / 1000);
            seen = true;
          }
        }
      }
      whole.recordValue((System.nanoTime() - t) / 1000);
    }
    return new Histogram[] {first, whole};
  }

  private static Histogram directToUpstream(FakeOpenAiServer upstream, int n) throws Exception {
    Histogram h = new Histogram(3);
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/chat/completions"))
          .header("Authorization", "Bearer sk-bench-cluster-0000").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body("up"))).build(), HttpResponse.BodyHandlers.ofString());
      check(r, 200);
      h.recordValue((System.nanoTime() - t) / 1000);
    }
    return h;
  }

  private static void line(String name, Histogram h) {
    System.out.printf(Locale.ROOT, "%-28s %8.3f %8.3f %8.3f%n", name, h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0);
  }

  private static int readyWorkersAvoiding(String url, String model, String lostNode) throws Exception {
    JsonNode d = JSON.readTree(send(url, "GET", "/api/deployments/" + model, null).body());
    Set<Integer> ready = new HashSet<>();
    for (JsonNode w : d.get("workers")) {
      if ("ready".equals(w.get("state").asText()) && !lostNode.equals(w.get("node").asText())) {
        ready.add(w.get("index").asInt());
      }
    }
    return ready.size();
  }

  private static int upNodes(String url) {
    try {
      int up = 0;
      for (JsonNode n : JSON.readTree(send(url, "GET", "/api/cluster", null).body()).get("nodes")) {
        up += "up".equals(n.get("status").asText()) && n.get("resources").get("cpus").asDouble() > 0 ? 1 : 0;
      }
      return up;
    } catch (Exception e) {
      return 0;
    }
  }

  private static HttpResponse<String> deploy(String url, String model, FakeOpenAiServer upstream, int workers, double cpus)
      throws Exception {
    return send(url, "POST", "/api/deployments", """
        {"model": "%s", "num_workers": %d, "worker_concurrency": 8, "cpus_per_worker": %s,
         "infer_params": {"saas.api_key": "sk-bench-cluster-0000", "saas.base_url": "%s", "saas.max_retries": "0"}}"""
        .formatted(model, workers, cpus, upstream.baseUrl()));
  }

  private static HttpResponse<String> chat(String url, String model) throws Exception {
    return send(url, "POST", "/v1/chat/completions", body(model));
  }

  private static String body(String model) {
    return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hello cluster\"}]}";
  }

  private static HttpResponse<String> send(String url, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void check(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException("expected " + status + ", got " + r.statusCode() + ": " + r.body());
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void until(Condition c, Duration max) throws Exception {
    long end = System.nanoTime() + max.toNanos();
    while (!c.holds()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("not reached within " + max);
      }
      Thread.sleep(50);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
