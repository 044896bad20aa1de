package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.NodeProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node JVMs on 127.0.0.1 forming one cluster. The tests run in order over the same cluster,
 * because each stage (placement, routing, losing a node, restarting everything) builds on the last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration LONG = Duration.ofSeconds(90);
  @TempDir static Path dir;
  static FakeOpenAiServer upstream;
  static NodeProcesses nodes;
  static final List<NodeProcesses.Spec> specs = new ArrayList<>();
  static final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    upstream = FakeOpenAiServer.start();
    upstream.recording(false);
    nodes = new NodeProcesses(Node.JVM_OPTIONS);
    for (String name : List.of("a", "b", "c")) {
      specs.add(NodeProcesses.spec(dir.resolve(name), 2));
    }
    startAll();
  }

  @AfterAll
  static void stopCluster() {
    nodes.close();
    upstream.close();
  }

  static void startAll() throws Exception {
    processes.clear();
    String seed = specs.get(0).clusterAddress();
    for (NodeProcesses.Spec s : specs) {
      processes.add(nodes.start(s, seed));
    }
    await().atMost(LONG).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
      for (NodeProcesses.Spec s : specs) {
        assertThat(upNodes(s.url())).isEqualTo(3);
      }
    });
  }

  @Test
  @Order(1)
  void deploy_threeWorkersOnThreeNodes_spreadOnePerNode() throws Exception {
    HttpResponse<String> r = post(specs.get(0).url(), "/api/deployments", """
        {"model": "m", "num_workers": 3, "worker_concurrency": 4, "cpus_per_worker": 1,
         "infer_params": {"saas.api_key": "sk-cluster-it-000000", "saas.base_url": "%s", "saas.max_retries": "0"}}
        """.formatted(upstream.baseUrl()));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(workerNodes(specs.get(1).url())).containsExactlyInAnyOrder(
        specs.get(0).clusterAddress(), specs.get(1).clusterAddress(), specs.get(2).clusterAddress());
  }

  @Test
  @Order(2)
  void chat_throughEachNode_reachesWorkersOnTheOthers() throws Exception {
    for (NodeProcesses.Spec s : specs) {
      for (int i = 0; i < 6; i++) {
        HttpResponse<String> r = chat(s.url(), "via " + s.httpPort() + " #" + i, false);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).at("/choices/0/message/content").asText()).isEqualTo("echo: via " + s.httpPort() + " #" + i);
      }
    }

    JsonNode workers = JSON.readTree(get(specs.get(0).url(), "/api/deployments/m").body()).get("workers");
    for (JsonNode w : workers) {
      assertThat(w.get("requests").asLong()).as("worker on %s", w.get("node").asText()).isPositive();
    }
  }

  @Test
  @Order(3)
  void stream_acrossNodes_deliversTheWholeAnswer() throws Exception {
    for (NodeProcesses.Spec s : specs) {
      HttpResponse<String> r = chat(s.url(), "stream across nodes", true);

      assertThat(r.statusCode()).isEqualTo(200);
      StringBuilder text = new StringBuilder();
      List<String> data = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
      assertThat(data).last().isEqualTo("[DONE]");
      for (String d : data.subList(0, data.size() - 1)) {
        text.append(JSON.readTree(d).at("/choices/0/delta/content").asText(""));
      }
      assertThat(text.toString()).isEqualTo("echo: stream across nodes");
    }
  }

  @Test
  @Order(4)
  void deploy_beyondClusterResources_refusedSayingWhatIsFree() throws Exception {
    HttpResponse<String> r = post(specs.get(2).url(), "/api/deployments", """
        {"model": "too-big", "num_workers": 10, "cpus_per_worker": 1,
         "infer_params": {"saas.api_key": "sk-cluster-it-000000", "saas.base_url": "%s"}}""".formatted(upstream.baseUrl()));

    assertThat(r.statusCode()).isEqualTo(400);
    String message = JSON.readTree(r.body()).at("/error/message").asText();
    assertThat(message).contains("not enough resources").contains(specs.get(0).clusterAddress()).contains("free");
  }

  @Test
  @Order(5)
  void killNode_underLoad_workersPlacedAgainAndLoadKeepsBeingServed() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    int clients = 3;
    List<Thread> load = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        while (running.get()) {
          try {
            int status = chat(specs.get(0).url(), "steady", false).statusCode();
            (status == 200 ? ok : failed).incrementAndGet();
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      });
      t.start();
      load.add(t);
    }
    await().atMost(LONG).until(() -> ok.get() > 20);
    int okBeforeKill = ok.get();

    NodeProcesses.kill(processes.get(2));

    await().atMost(LONG).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() ->
        assertThat(workerNodes(specs.get(0).url())).hasSize(3)
            .doesNotContain(specs.get(2).clusterAddress()));
    await().atMost(LONG).until(() -> ok.get() > okBeforeKill + 30);
    running.set(false);
    for (Thread t : load) {
      t.join();
    }
    // Only calls in flight on the lost node may fail: at most one per client.
    assertThat(failed.get()).isLessThanOrEqualTo(clients);
  }

  @Test
  @Order(6)
  void restartWholeCluster_deploymentComesBackAndServes() throws Exception {
    processes.forEach(NodeProcesses::kill);

    startAll();

    await().atMost(LONG).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
      assertThat(workerNodes(specs.get(1).url())).hasSize(3);
      HttpResponse<String> r = chat(specs.get(1).url(), "after restart", false);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    });
  }

  private static int upNodes(String url) throws Exception {
    HttpResponse<String> r = get(url, "/api/cluster");
    int up = 0;
    for (JsonNode n : JSON.readTree(r.body()).get("nodes")) {
      if ("up".equals(n.get("status").asText()) && n.get("resources").get("cpus").asDouble() > 0) {
        up++;
      }
    }
    return up;
  }

  private static List<String> workerNodes(String url) throws Exception {
    HttpResponse<String> r = get(url, "/api/deployments/m");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode w : JSON.readTree(r.body()).get("workers")) {
      if ("ready".equals(w.get("state").asText()) && seen.add(w.get("index").asText())) {
        out.add(w.get("node").asText());
      }
    }
    return out;
  }

  private static HttpResponse<String> chat(String url, String text, boolean stream) throws Exception {
    return post(url, "/v1/chat/completions", "{\"model\": \"m\", \"stream\": " + stream
        + ", \"messages\": [{\"role\": \"user\", \"content\": \"" + text + "\"}]}");
  }

  private static HttpResponse<String> get(String url, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String url, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
