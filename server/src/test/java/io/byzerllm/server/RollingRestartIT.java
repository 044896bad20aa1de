package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.NodeProcesses;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart loses no request: three node JVMs with a worker each, steady load (blocking
 * calls and streams) through the first node while each other node in turn is stopped gracefully and
 * started again. Every call succeeds, every stream reaches its end, and every worker is ready at the end.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RollingRestartIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LONG = Duration.ofSeconds(90);
  @TempDir static Path dir;
  static FakeOpenAiServer upstream;
  static NodeProcesses nodes;
  static final List<NodeProcesses.Spec> specs = new ArrayList<>();
  static final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    upstream = FakeOpenAiServer.start().latency(Duration.ofMillis(20)).chunkDelay(Duration.ofMillis(20));
    upstream.recording(false);
    nodes = new NodeProcesses(Node.JVM_OPTIONS);
    for (String name : List.of("a", "b", "c")) {
      specs.add(NodeProcesses.spec(dir.resolve(name), 2));
    }
    for (NodeProcesses.Spec s : specs) {
      processes.add(nodes.start(s, specs.get(0).clusterAddress()));
    }
    awaitReady(3);
    HttpResponse<String> r = post(specs.get(0).url(), "/api/deployments", """
        {"model": "m", "num_workers": 3, "worker_concurrency": 8, "cpus_per_worker": 1,
         "infer_params": {"saas.api_key": "sk-rolling-it-000000", "saas.base_url": "%s", "saas.max_retries": "0"}}
        """.formatted(upstream.baseUrl()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    await().atMost(LONG).untilAsserted(() -> assertThat(readyWorkers()).isEqualTo(3));
  }

  @AfterAll
  static void stopCluster() {
    nodes.close();
    upstream.close();
  }

  @Test
  void rollingRestart_ofEveryOtherNode_underLoad_noRequestFails() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    List<Thread> load = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      boolean stream = c == 3;
      Thread t = new Thread(() -> {
        int i = 0;
        while (running.get()) {
          String text = "call " + i++;
          try {
            HttpResponse<String> r = post(specs.get(0).url(), "/v1/chat/completions", "{\"model\": \"m\", \"stream\": "
                + stream + ", \"messages\": [{\"role\": \"user\", \"content\": \"" + text + "\"}]}");
            if (r.statusCode() == 200 && answered(r, stream, text)) {
              ok.incrementAndGet();
            } else {
              failures.merge(r.statusCode() + " " + r.body().lines().reduce((a, b) -> b).orElse(""), 1, Integer::sum);
            }
          } catch (Exception e) {
            failures.merge(e.toString(), 1, Integer::sum);
          }
        }
      });
      t.start();
      load.add(t);
    }
    try {
      for (int n : List.of(2, 1)) {
        int before = ok.get();
        await().atMost(LONG).until(() -> ok.get() > before + 20);
        restart(n);
      }
      int before = ok.get();
      await().atMost(LONG).until(() -> ok.get() > before + 20);
    } finally {
      running.set(false);
      for (Thread t : load) {
        t.join(TimeUnit.SECONDS.toMillis(90));
      }
    }

    System.out.printf("rolling restart of 2 of 3 nodes: %d requests served through node 1, %d failed%n", ok.get(),
        failures.values().stream().mapToInt(Integer::intValue).sum());
    assertThat(failures).as("failed requests out of %d served", ok.get()).isEmpty();
    assertThat(readyWorkers()).isEqualTo(3);
  }

  /** Stops node {@code n} the way `llm server stop` does, waits for its JVM to end, starts it again. */
  private static void restart(int n) throws Exception {
    NodeProcesses.Spec spec = specs.get(n);
    HttpResponse<String> r = post(spec.url(), "/api/node/shutdown", "{}");
    assertThat(r.statusCode()).as(r.body()).isLessThan(300);
    Process p = processes.get(n);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("node %d stopped", n).isTrue();
    assertThat(p.exitValue()).isZero();
    processes.set(n, nodes.start(spec, specs.get(0).clusterAddress()));
    awaitReady(3);
    await().atMost(LONG).untilAsserted(() -> assertThat(readyWorkers()).isEqualTo(3));
  }

  private static boolean answered(HttpResponse<String> r, boolean stream, String text) throws Exception {
    if (!stream) {
      return JSON.readTree(r.body()).at("/choices/0/message/content").asText().equals("echo: " + text);
    }
    List<String> data = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    if (data.isEmpty() || !data.get(data.size() - 1).equals("[DONE]")) {
      return false;
    }
    StringBuilder content = new StringBuilder();
    for (String d : data.subList(0, data.size() - 1)) {
      content.append(JSON.readTree(d).at("/choices/0/delta/content").asText(""));
    }
    return content.toString().equals("echo: " + text);
  }

  private static void awaitReady(int members) {
    await().atMost(LONG).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
      for (NodeProcesses.Spec s : specs) {
        int up = 0;
        for (JsonNode node : JSON.readTree(get(s.url(), "/api/cluster").body()).get("nodes")) {
          if ("up".equals(node.get("status").asText())) {
            up++;
          }
        }
        assertThat(up).isEqualTo(members);
      }
    });
  }

  private static int readyWorkers() throws Exception {
    int ready = 0;
    for (JsonNode w : JSON.readTree(get(specs.get(0).url(), "/api/deployments/m").body()).get("workers")) {
      if ("ready".equals(w.get("state").asText())) {
        ready++;
      }
    }
    return ready;
  }


  private static HttpResponse<String> get(String url, String path) throws Exception {
    return new NodeCalls(url).get(path);
  }

  private static HttpResponse<String> post(String url, String path, String body) throws Exception {
    return new NodeCalls(url).post(path, body);
  }
}
