package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.NodeProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages far over Artery's default frame (256 KiB) cross between node JVMs whole. Node "front"
 * offers no CPUs, so the only worker runs on node "back" and every call through "front" crosses
 * the network both ways. Texts are random base64, so the serializer's gzip cannot shrink them under
 * the frame size.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LargeMessagesIT {
  private static final int SIZE = 600_000;
  private static final int WORD = 16 * 1024;
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) static Path dir; // a failed run keeps the nodes' logs
  static FakeOpenAiServer upstream;
  static NodeProcesses nodes;
  static NodeProcesses.Spec front;
  static NodeProcesses.Spec back;

  @BeforeAll
  static void startCluster() throws Exception {
    upstream = FakeOpenAiServer.start().recording(false);
    nodes = new NodeProcesses(Node.JVM_OPTIONS);
    front = NodeProcesses.spec(dir.resolve("front"), 0);
    back = NodeProcesses.spec(dir.resolve("back"), 2);
    nodes.start(front, front.clusterAddress());
    nodes.start(back, front.clusterAddress());
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
      assertThat(upNodes(front.url())).isEqualTo(2);
      assertThat(upNodes(back.url())).isEqualTo(2);
      // the controller knows the back node's CPUs (its agent described itself), so it can place there
      assertThat(cpusKnown(front.url())).isEqualTo(2.0);
    });
    HttpResponse<String> deployed = post(front.url(), "/api/deployments", """
        {"model": "m", "num_workers": 1, "worker_concurrency": 4, "cpus_per_worker": 1,
         "infer_params": {"saas.api_key": "sk-large-it-000000", "saas.base_url": "%s", "saas.max_retries": "0",
                          "saas.timeout": "30"}}
        """.formatted(upstream.baseUrl()));
    assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
    JsonNode workers = json(get(front.url(), "/api/deployments/m")).path("workers");
    assertThat(workers).hasSize(1);
    assertThat(workers.get(0).path("node").asText()).as("the only worker is on the other node")
        .isEqualTo(back.clusterAddress());
  }

  @AfterAll
  static void stopCluster() {
    if (nodes != null) {
      nodes.close();
    }
    upstream.close();
  }

  @Test
  void chat_600KBPromptViaANodeWithoutWorkers_answerCarriesItWhole() throws Exception {
    String prompt = randomText(SIZE, 1);

    HttpResponse<String> r = post(front.url(), "/v1/chat/completions", chat(prompt, false));

    assertThat(r.statusCode()).as(excerpt(r.body())).isEqualTo(200);
    assertThat(json(r).at("/choices/0/message/content").asText()).isEqualTo("echo: " + prompt);
  }

  @Test
  void stream_600KBAnswerViaANodeWithoutWorkers_arrivesWholeThenDone() throws Exception {
    String answer = randomWords(SIZE, 2);
    upstream.reply(answer);

    HttpResponse<String> r = post(front.url(), "/v1/chat/completions", chat("a long answer please", true));

    assertThat(r.statusCode()).as(excerpt(r.body())).isEqualTo(200);
    StringBuilder text = new StringBuilder();
    String last = null;
    for (String line : r.body().lines().toList()) {
      if (line.startsWith("data: ")) {
        last = line.substring("data: ".length());
        if (!last.equals("[DONE]")) {
          text.append(NodeCalls.JSON.readTree(last).at("/choices/0/delta/content").asText(""));
        }
      }
    }
    assertThat(last).isEqualTo("[DONE]");
    assertThat(text.toString()).isEqualTo(answer);
  }

  @Test
  void embeddings_replyOver256KiBViaANodeWithoutWorkers_allVectorsArrive() throws Exception {
    upstream.embeddingDimension(1536);
    ObjectNode body = NodeCalls.JSON.createObjectNode().put("model", "m");
    ArrayNode input = body.putArray("input");
    for (int i = 0; i < 64; i++) {
      input.add("text number " + i);
    }

    HttpResponse<String> r = post(front.url(), "/v1/embeddings", body.toString());

    assertThat(r.statusCode()).as(excerpt(r.body())).isEqualTo(200);
    JsonNode data = json(r).path("data");
    assertThat(data).hasSize(64);
    for (JsonNode item : data) {
      assertThat(item.path("embedding")).hasSize(1536);
    }
    assertThat(r.body().length()).as("the reply is past Artery's default frame").isGreaterThan(256 * 1024);
  }

  /** Base64 of random bytes: about 3/4 of its size survives gzip. */
  private static String randomText(int chars, long seed) {
    byte[] bytes = new byte[chars * 3 / 4];
    new SplittableRandom(seed).nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * Random base64 words of {@value #WORD} characters: the fake streams one delta a word, about 40
   * here, and the stream's last event carries the whole answer.
   */
  private static String randomWords(int chars, long seed) {
    String text = randomText(chars, seed);
    StringBuilder out = new StringBuilder(text.length() + text.length() / WORD);
    for (int i = 0; i < text.length(); i += WORD) {
      out.append(i == 0 ? "" : " ").append(text, i, Math.min(text.length(), i + WORD));
    }
    return out.toString();
  }

  private static String chat(String text, boolean stream) {
    ObjectNode body = NodeCalls.JSON.createObjectNode().put("model", "m").put("stream", stream);
    body.putArray("messages").addObject().put("role", "user").put("content", text);
    return body.toString();
  }

  private static int upNodes(String url) throws Exception {
    int up = 0;
    for (JsonNode n : json(get(url, "/api/cluster")).path("nodes")) {
      if ("up".equals(n.path("status").asText())) {
        up++;
      }
    }
    return up;
  }

  private static double cpusKnown(String url) throws Exception {
    double cpus = 0;
    for (JsonNode n : json(get(url, "/api/cluster")).path("nodes")) {
      cpus += n.path("resources").path("cpus").asDouble();
    }
    return cpus;
  }

  private static HttpResponse<String> get(String url, String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
  }

  private static HttpResponse<String> post(String url, String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** The request's timeout ends at the headers; the bound on the future covers a body that never ends too. */
  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.sendAsync(request.timeout(CALL_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString())
        .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static JsonNode json(HttpResponse<String> r) {
    return NodeCalls.json(r);
  }

  private static String excerpt(String body) {
    return body.length() <= 300 ? body : body.substring(0, 300) + "...";
  }
}
