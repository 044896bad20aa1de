package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.testkit.RecordedRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator reads from a node with an API key: metrics that move as requests flow, health
 * probes without the key, the recent errors, the access log (the key's id, never the key), and
 * the embedding cache (emb.cache_size).
 */
@Timeout(180)
class OperationsIT {
  private static final String KEY = "sk-node-ops-it-7d1e55c0a9";
  private static final String CHAT = "/v1/chat/completions";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  static final SaasNode NODE = SaasNode.deploying("m", 1, 4).apiKey(KEY).param("saas.max_retries", "0")
      .param("emb.cache_size", "100");

  @Test
  void metrics_chatsFlow_countersHistogramsAndTokensMove() throws Exception {
    PrometheusText before = scrape();

    int prompt = 0;
    int completion = 0;
    List<String> bodies = List.of(chat("m", "hello metrics", false), chat("m", "hello metrics again", false),
        translated("hello translated path"));
    for (String body : bodies) {
      HttpResponse<String> r = NODE.calls().post(CHAT, body);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      prompt += NodeCalls.json(r).at("/usage/prompt_tokens").asInt();
      completion += NodeCalls.json(r).at("/usage/completion_tokens").asInt();
    }
    PrometheusText after = scrape();

    Map<String, String> chatM = Map.of("model", "m", "endpoint", CHAT);
    assertThat(delta(before, after, "llm_requests_total", Map.of("model", "m", "endpoint", CHAT, "status", "200")))
        .isEqualTo(3);
    assertThat(delta(before, after, "llm_request_duration_seconds_count", chatM)).isEqualTo(3);
    assertThat(delta(before, after, "llm_backend_duration_seconds_count", chatM)).isEqualTo(3);
    assertThat(delta(before, after, "llm_overhead_duration_seconds_count", chatM)).isEqualTo(3);
    assertThat(delta(before, after, "llm_request_duration_seconds_bucket", Map.of("model", "m", "endpoint", CHAT,
        "le", "+Inf"))).isEqualTo(3);
    assertThat(prompt).isPositive();
    assertThat(delta(before, after, "llm_tokens_total", Map.of("model", "m", "type", "prompt"))).isEqualTo(prompt);
    assertThat(delta(before, after, "llm_tokens_total", Map.of("model", "m", "type", "completion"))).isEqualTo(completion);
    assertThat(delta(before, after, "llm_worker_queue_wait_seconds_count", Map.of("model", "m"))).isEqualTo(3);
    assertThat(after.has("llm_worker_in_flight", Map.of("model", "m", "worker", "0"))).isTrue();
    assertThat(after.has("llm_worker_queued", Map.of("model", "m", "worker", "0"))).isTrue();
    assertThat(after.sum("jvm_memory_used_bytes", Map.of())).isPositive();
    assertThat(after.sum("process_resident_memory_bytes", Map.of())).isPositive();
  }

  @Test
  void metrics_streamedChat_countedWithItsTokensWhenItEnds() throws Exception {
    Map<String, String> ok = Map.of("model", "m", "endpoint", CHAT, "status", "200");
    Map<String, String> completion = Map.of("model", "m", "type", "completion");
    PrometheusText before = scrape();
    ObjectNode body = (ObjectNode) parse(chat("m", "stream me with usage", true));
    body.putObject("stream_options").put("include_usage", true);

    HttpResponse<String> r = NODE.calls().post(CHAT, body.toString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(NodeCalls.content(r)).isNotEmpty();
    List<String> data = NodeCalls.sseData(r.body());
    int completionTokens = parse(data.get(data.size() - 2)).at("/usage/completion_tokens").asInt();
    assertThat(completionTokens).isPositive();
    await().atMost(WAIT).until(() -> delta(before, scrape(), "llm_tokens_total", completion) == completionTokens);
    assertThat(delta(before, scrape(), "llm_requests_total", ok)).isEqualTo(1);
  }

  @Test
  void metrics_streamedChatWithoutTheUsageChunk_tokensStillCountedFromItsEnd() throws Exception {
    Map<String, String> completion = Map.of("model", "m", "type", "completion");
    PrometheusText before = scrape();

    HttpResponse<String> r = NODE.calls().post(CHAT, chat("m", "stream me without usage", true));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("\"usage\":{");
    // the fake counts one completion token per word of its answer, "echo: stream me without usage"
    await().atMost(WAIT).until(() -> delta(before, scrape(), "llm_tokens_total", completion) == 5);
  }

  @Test
  void recentErrors_upstreamFailsThenUnknownModel_listsBothNewestFirst() throws Exception {
    PrometheusText before = scrape();
    NODE.upstream().failNext(500, "the upstream exploded");

    HttpResponse<String> failed = NODE.calls().post(CHAT, chat("m", "will fail", false));
    HttpResponse<String> unknown = NODE.calls().post(CHAT, chat("nope", "who?", false));

    assertThat(failed.statusCode()).as(failed.body()).isEqualTo(502);
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
    HttpResponse<String> r = NODE.calls().get("/api/errors/recent");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode errors = NodeCalls.json(r).path("errors");
    assertThat(errors.get(0).path("status").asInt()).isEqualTo(404);
    assertThat(errors.get(0).path("message").asText()).contains("nope");
    JsonNode upstream = errors.get(1);
    assertThat(upstream.path("model").asText()).isEqualTo("m");
    assertThat(upstream.path("endpoint").asText()).isEqualTo(CHAT);
    assertThat(upstream.path("status").asInt()).isEqualTo(502);
    assertThat(upstream.path("message").asText()).contains("the upstream exploded");
    assertThat(Instant.parse(upstream.path("time").asText())).isBeforeOrEqualTo(Instant.now());
    assertThat(r.body()).doesNotContain(KEY);
    PrometheusText after = scrape();
    assertThat(delta(before, after, "llm_requests_total", Map.of("model", "m", "endpoint", CHAT, "status", "502")))
        .isEqualTo(1);
    assertThat(delta(before, after, "llm_upstream_errors_total", Map.of("model", "m", "kind", "upstream_error")))
        .isEqualTo(1);
    assertThat(after.has("llm_requests_total", Map.of("model", "(not deployed)", "status", "404"))).isTrue();
    assertThat(after.has("llm_requests_total", Map.of("model", "nope"))).isFalse();
  }

  @Test
  void recentErrors_withoutKey_refused() throws Exception {
    HttpResponse<String> r = new NodeCalls(NODE.node().httpUrl()).get("/api/errors/recent");

    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void accessLog_requestsWithAndWithoutTheKey_oneLineEachWithKeyIdNeverTheKey() throws Exception {
    String marker = "access log marker " + System.nanoTime();
    HttpResponse<String> ok = NODE.calls().post(CHAT, chat("m", marker, false));
    HttpResponse<String> refused = new NodeCalls(NODE.node().httpUrl()).withBearer("sk-wrong-key-000")
        .post(CHAT, chat("m", "no entry", false));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(refused.statusCode()).isEqualTo(401);
    int promptTokens = NodeCalls.json(ok).at("/usage/prompt_tokens").asInt();
    Path log = NODE.home().resolve("nodes/127.0.0.1_0/access.log");

    await().atMost(WAIT).until(() -> lines(log).stream()
        .anyMatch(l -> l.path("status").asInt() == 401 && l.path("endpoint").asText().equals(CHAT)));

    List<JsonNode> lines = lines(log);
    JsonNode line = lines.stream().filter(l -> l.path("status").asInt() == 200 && l.path("endpoint").asText().equals(CHAT)
        && l.path("prompt_tokens").asInt() == promptTokens && l.path("model").asText().equals("m")).findFirst().orElseThrow();
    assertThat(line.path("endpoint").asText()).isEqualTo(CHAT);
    assertThat(line.path("key_id").asText()).isEqualTo("bootstrap");
    assertThat(line.path("latency_ms").asDouble()).isPositive();
    assertThat(line.path("backend_ms").asDouble()).isPositive().isLessThanOrEqualTo(line.path("latency_ms").asDouble());
    assertThat(Instant.parse(line.path("time").asText())).isBeforeOrEqualTo(Instant.now());
    JsonNode denied = lines.stream().filter(l -> l.path("status").asInt() == 401 && l.path("endpoint").asText().equals(CHAT))
        .findFirst().orElseThrow();
    assertThat(denied.path("key_id").asText()).isEqualTo("unknown");
    String file = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(file).doesNotContain(KEY).doesNotContain("sk-wrong-key-000");
  }

  @Test
  void embeddingCache_batchOfCachedAndNewTexts_computesOnlyTheNewAndKeepsOrder() throws Exception {
    PrometheusText before = scrape();
    NODE.upstream().clearRequests();
    List<float[]> first = embed(List.of("cache alpha", "cache beta"));

    List<float[]> second = embed(List.of("cache beta", "cache gamma", "cache alpha", "cache gamma"));

    List<RecordedRequest> upstreamCalls = NODE.upstream().requests().stream()
        .filter(r -> r.path().endsWith("/embeddings")).toList();
    assertThat(upstreamCalls).hasSize(2);
    assertThat(texts(upstreamCalls.get(0))).containsExactly("cache alpha", "cache beta");
    assertThat(texts(upstreamCalls.get(1))).containsExactly("cache gamma");
    assertThat(second.get(0)).isEqualTo(first.get(1));
    assertThat(second.get(2)).isEqualTo(first.get(0));
    assertThat(second.get(1)).isEqualTo(second.get(3)).isNotEqualTo(first.get(0)).isNotEqualTo(first.get(1));
    List<float[]> direct = embed(List.of("cache gamma"));
    assertThat(direct.get(0)).isEqualTo(second.get(1));
    PrometheusText after = scrape();
    Map<String, String> m = Map.of("model", "m");
    assertThat(delta(before, after, "llm_embedding_cache_hits_total", m)).isEqualTo(3);
    assertThat(delta(before, after, "llm_embedding_cache_misses_total", m)).isEqualTo(4);
    assertThat(after.sum("llm_embedding_cache_hit_ratio", m)).isBetween(0.0, 1.0).isPositive();
  }

  @Test
  void health_withoutKey_liveAndReadyWithItsWorkers() throws Exception {
    NodeCalls anonymous = new NodeCalls(NODE.node().httpUrl());

    HttpResponse<String> live = anonymous.get("/health/live");
    HttpResponse<String> ready = anonymous.get("/health/ready");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(NodeCalls.json(live).path("status").asText()).isEqualTo("live");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(NodeCalls.json(ready).path("status").asText()).isEqualTo("ready");
    assertThat(NodeCalls.json(ready).path("workers").asInt()).isEqualTo(1);
  }

  // ---- helpers ----

  /** A chat that takes the translating path (a byzerllm convention), not the byte-forwarding one. */
  private static String translated(String text) {
    ObjectNode body = (ObjectNode) parse(chat("m", text, false));
    body.put("max_length", 64);
    return body.toString();
  }

  private static JsonNode parse(String text) {
    try {
      return NodeCalls.JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code /metrics}, which needs no key. */
  private static PrometheusText scrape() throws Exception {
    HttpResponse<String> r = new NodeCalls(NODE.node().httpUrl()).get("/metrics");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    return PrometheusText.parse(r.body());
  }

  private static double delta(PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  private static List<float[]> embed(List<String> texts) throws Exception {
    ObjectNode body = NodeCalls.JSON.createObjectNode().put("model", "m");
    texts.forEach(body.putArray("input")::add);
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", body.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<float[]> out = new ArrayList<>();
    for (JsonNode item : NodeCalls.json(r).path("data")) {
      JsonNode e = item.path("embedding");
      float[] v = new float[e.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) e.get(i).asDouble();
      }
      out.add(v);
    }
    return out;
  }

  private static List<String> texts(RecordedRequest r) {
    List<String> out = new ArrayList<>();
    r.json().path("input").forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<JsonNode> lines(Path log) throws Exception {
    if (!Files.exists(log)) {
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (!l.isBlank()) {
        out.add(parse(l));
      }
    }
    return out;
  }
}
