package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.json;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static io.byzerllm.server.NodeCalls.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a provider's failures look like to a caller: its status and message, never our key, never a hang. */
class UpstreamErrorsIT {
  private static final String KEY = "sk-test-upstream-errors-it-4f2a9c";
  @TempDir static Path home;
  static FakeOpenAiServer upstream;       // behind "chat": answers whatever the test scripts
  static FakeOpenAiServer strictUpstream; // behind "wrongkey": wants another key than the one deployed
  static Node node;
  static NodeCalls calls;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeOpenAiServer.start();
    strictUpstream = FakeOpenAiServer.start().requireApiKey("sk-test-the-key-the-provider-wants");
    node = Node.start(NodeSettings.ephemeral(home));
    calls = new NodeCalls(node.httpUrl());
    Map<String, String> params = Map.of("saas.api_key", KEY, "saas.timeout", "1", "saas.max_retries", "0");
    calls.deploy(saasDeployment("chat", upstream.baseUrl(), 1, 4, params));
    calls.deploy(saasDeployment("wrongkey", strictUpstream.baseUrl(), 1, 1, params));
  }

  @AfterAll
  static void stop() {
    node.close();
    upstream.close();
    strictUpstream.close();
  }

  @Test
  void chat_upstreamStalls_failsWith504TimeoutError() throws Exception {
    upstream.stallNext();
    try {
      HttpResponse<String> r = calls.postAsync("/v1/chat/completions", chat("chat", "anyone there?", false))
          .get(60, TimeUnit.SECONDS);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
      JsonNode error = json(r).path("error");
      assertThat(error.path("type").asText()).isEqualTo("timeout_error");
      assertThat(error.path("message").asText()).contains("did not answer within").contains("saas.timeout");
    } finally {
      upstream.releaseStalled();
    }
  }

  @Test
  void stream_upstreamStallsBeforeTheFirstChunk_failsWith504TimeoutError() throws Exception {
    upstream.stallNext();
    try {
      HttpResponse<String> r = calls.postAsync("/v1/chat/completions", chat("chat", "anyone there?", true))
          .get(60, TimeUnit.SECONDS);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
      assertThat(json(r).at("/error/type").asText()).isEqualTo("timeout_error");
    } finally {
      upstream.releaseStalled();
    }
  }

  @Test
  void stream_providerSendsAnErrorStatusThenStallsMidBody_504WithinTheTimeout() throws Exception {
    upstream.stallMidBodyNext(500, "application/json", "half of this error never arrives");
    try {
      HttpResponse<String> r = calls.postAsync("/v1/chat/completions", chat("chat", "anyone there?", true))
          .get(60, TimeUnit.SECONDS);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
      assertThat(json(r).at("/error/message").asText()).contains("did not answer within 1s");
    } finally {
      upstream.releaseStalled();
    }
  }

  @Test
  void stream_provider429BeforeTheFirstChunk_429WithRetryAfter() throws Exception {
    upstream.failNext(429, "Rate limit reached for requests per minute", Map.of("Retry-After", "7"));

    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("chat", "hi", true));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(json(r).at("/error/message").asText()).contains("Rate limit reached for requests per minute");
  }

  @Test
  void chat_providerRefusesTheKey_401WithProviderMessageAndKeyRedacted() throws Exception {
    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("wrongkey", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    JsonNode error = json(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("authentication_error");
    assertThat(error.path("message").asText()).contains("Incorrect API key provided: ***");
    assertThat(r.body()).doesNotContain(KEY);
    assertThat(strictUpstream.requests()).last().satisfies(req ->
        assertThat(req.header("Authorization")).isEqualTo("Bearer " + KEY)); // the provider did get (and echo) it
  }

  @Test
  void chat_provider429_429WithItsRetryAfterAndMessage() throws Exception {
    upstream.failNext(429, "Rate limit reached for requests per minute", Map.of("Retry-After", "7"));

    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("chat", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
    JsonNode error = json(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(error.path("message").asText()).contains("Rate limit reached for requests per minute");
  }

  @Test
  void chat_provider500WithoutRetries_502WithItsMessage() throws Exception {
    upstream.failNext(500, "The server had an error while processing your request");

    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("chat", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    JsonNode error = json(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("upstream_error");
    assertThat(error.path("message").asText()).contains("500").contains("The server had an error while processing your request");
  }

  @Test
  void chat_providerAnswers499_499WithItsMessage() throws Exception {
    upstream.failNext(499, "Client Closed Request (the provider's gateway gave up)");

    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("chat", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(499);
    JsonNode error = json(r).path("error");
    assertThat(error.path("message").asText()).contains("499").contains("the provider's gateway gave up");
    assertThat(error.path("code").asText()).isEqualTo("499");
  }

  @Test
  void stream_providerAnswers430_430WithItsMessage() throws Exception {
    upstream.failNext(430, "Request Header Fields Too Large (Shopify-style)");

    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("chat", "hi", true));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(430);
    assertThat(json(r).at("/error/message").asText()).contains("Shopify-style");
  }

  @Test
  void stream_upstreamFailsMidStream_endsWithOneErrorEventAndNoDone() throws Exception {
    upstream.failMidStreamNext("the model fell over halfway");

    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("chat", "tell me a long story please", true));

    assertThat(r.statusCode()).isEqualTo(200);
    List<String> events = sseData(r.body());
    assertThat(events).doesNotContain("[DONE]");
    List<String> errors = events.stream().filter(e -> e.contains("\"error\"")).toList();
    assertThat(errors).hasSize(1);
    assertThat(events).last().isEqualTo(errors.get(0));
    JsonNode error = NodeCalls.JSON.readTree(errors.get(0)).path("error");
    assertThat(error.path("message").asText()).contains("the model fell over halfway");
    assertThat(error.path("type").asText()).isEqualTo("upstream_error");
    assertThat(NodeCalls.JSON.readTree(events.get(0)).at("/choices/0/delta/content").asText()).isEqualTo("echo:");
  }
}
