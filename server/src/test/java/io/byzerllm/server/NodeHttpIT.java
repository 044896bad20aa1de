package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real node on loopback with a local OpenAI-compatible upstream, driven over plain HTTP. */
class NodeHttpIT {
  private static final String KEY = "sk-node-http-it-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path home;
  static FakeOpenAiServer upstream;
  static Node node;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeOpenAiServer.start();
    upstream.requireApiKey(KEY);
    node = Node.start(NodeSettings.ephemeral(home));
    HttpResponse<String> r = post("/api/deployments", """
        {"model": "chat", "pretrained_model_type": "saas/openai", "num_workers": 2, "worker_concurrency": 2,
         "infer_params": {"saas.api_key": "%s", "saas.base_url": "%s", "saas.model": "up-model",
                          "saas.timeout": "2", "saas.max_retries": "0", "worker.queue_size": "2"}}
        """.formatted(KEY, upstream.baseUrl()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    node.close();
    upstream.close();
  }

  @Test
  void chat_deployedModel_answersOpenAiShapeWithOverheadHeader() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", """
        {"model": "chat", "messages": [{"role": "user", "content": "hello there"}]}""");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("echo: hello there");
    assertThat(body.at("/model").asText()).isEqualTo("chat");
    assertThat(body.at("/usage/total_tokens").asInt()).isPositive();
    assertThat(r.headers().firstValue("x-llm-overhead-ms")).isPresent();
  }

  @Test
  void stream_deployedModel_sendsChunksUsageAndDone() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", """
        {"model": "chat", "stream": true, "stream_options": {"include_usage": true},
         "messages": [{"role": "user", "content": "stream me please"}]}""");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
    StringBuilder text = new StringBuilder();
    for (String e : events.subList(0, events.size() - 1)) {
      text.append(JSON.readTree(e).at("/choices/0/delta/content").asText(""));
    }
    assertThat(text.toString()).isEqualTo("echo: stream me please");
    assertThat(JSON.readTree(events.get(events.size() - 2)).at("/usage/total_tokens").asInt()).isPositive();
  }

  @Test
  void chat_unknownModel_404ListsDeployed() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", """
        {"model": "nope", "messages": [{"role": "user", "content": "hi"}]}""");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("'nope'").contains("chat");
  }

  @Test
  void chat_missingMessages_400NamesField() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", "{\"model\": \"chat\"}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).at("/error/param").asText()).isEqualTo("messages");
  }

  @Test
  void chat_malformedJson_400() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", "{\"model\": ");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void chat_beyondSlotsAndQueue_429WithRetryAfter() throws Exception {
    upstream.stallAll(true);
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) { // 2 workers x (2 slots + 2 queue places)
        held.add(postAsync("/v1/chat/completions", "{\"model\": \"chat\", \"messages\": [{\"role\": \"user\", \"content\": \"hold\"}]}"));
      }
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
          .until(() -> upstream.inFlight() == 4);

      HttpResponse<String> r = post("/v1/chat/completions", "{\"model\": \"chat\", \"messages\": [{\"role\": \"user\", \"content\": \"one more\"}]}");

      assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
      assertThat(upstream.maxInFlight()).isLessThanOrEqualTo(4);
    } finally {
      upstream.stallAll(false);
      upstream.releaseStalled();
      CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void deployments_listing_neverShowsTheKey() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/deployments")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"model\":\"chat\"").contains("***").doesNotContain(KEY);
    assertThat(JSON.readTree(r.body()).at("/deployments/0/workers").size()).isEqualTo(2);
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
  }

  static CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
    return http.sendAsync(request(path, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(String path, String body) {
    return HttpRequest.newBuilder(URI.create(node.httpUrl() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }
}
