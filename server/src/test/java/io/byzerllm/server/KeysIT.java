package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.json;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issued keys on a node with a bootstrap key: roles, allow-lists and limits through real HTTP, and
 * the key itself never shown again after its creation (listings, errors, logs).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KeysIT {
  private static final String ADMIN = "bootstrap-admin-key";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  static final CapturedLogs LOGS = new CapturedLogs();

  @RegisterExtension
  static final SaasNode NODE = SaasNode.deploying("chat", 1, 8).apiKey(ADMIN);

  /** Creates a key through the admin API; returns the answer (with the key, shown this once). */
  static JsonNode create(NodeCalls admin, String body) throws Exception {
    HttpResponse<String> r = admin.post("/api/keys", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r);
  }

  private NodeCalls as(JsonNode created) {
    return new NodeCalls(NODE.node().httpUrl()).withBearer(created.path("key").asText());
  }

  @Test
  void chat_thirdConcurrentCallOfKeyLimitedToTwo_429WithRetryAfter() throws Exception {
    NodeCalls key = as(create(NODE.calls(), "{\"name\":\"two-at-once\",\"max_concurrent\":2}"));
    NODE.upstream().stallAll(true);
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    HttpResponse<String> third;
    try {
      held.add(key.postAsync("/v1/chat/completions", chat("chat", "one", false)));
      held.add(key.postAsync("/v1/chat/completions", chat("chat", "two", false)));
      await().atMost(WAIT).until(() -> NODE.upstream().inFlight() == 2);

      third = key.post("/v1/chat/completions", chat("chat", "three", false));
    } finally {
      NODE.upstream().stallAll(false);
      NODE.upstream().releaseStalled();
    }

    assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
    assertThat(third.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(third).at("/error/message").asText()).contains("2 concurrent requests");
    for (CompletableFuture<HttpResponse<String>> f : held) {
      assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    // Both places were given back: two more at once pass.
    HttpResponse<String> again = key.post("/v1/chat/completions", chat("chat", "again", false));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
  }

  @Test
  void chat_streamsHoldTheirPlaceUntilTheyEnd_thenFreeIt() throws Exception {
    NodeCalls key = as(create(NODE.calls(), "{\"max_concurrent\":1}"));

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = key.post("/v1/chat/completions", chat("chat", "stream " + i, true));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(NodeCalls.content(r)).isEqualTo("echo: stream " + i);
    }
  }

  @Test
  void stream_callerDisconnectsMidway_keysPlaceGivenBack() throws Exception {
    JsonNode created = create(NODE.calls(), "{\"max_concurrent\":1}");
    NodeCalls key = as(created);
    NODE.upstream().reply("word ".repeat(100).trim()).chunkDelay(Duration.ofMillis(200)); // a 20 s answer
    try (Socket stream = key.openStreamToFirstEvent(chat("chat", "a long slow answer please", true))) {
      HttpResponse<String> whileStreaming = key.post("/v1/chat/completions", chat("chat", "second", false));
      assertThat(whileStreaming.statusCode()).as(whileStreaming.body()).isEqualTo(429);
    } finally {
      NODE.upstream().chunkDelay(Duration.ZERO);
    }

    await().atMost(WAIT).untilAsserted(() ->
        assertThat(key.post("/v1/chat/completions", chat("chat", "after", false)).statusCode()).isEqualTo(200));
  }

  @Test
  void chat_modelOutsideKeysAllowList_403AndAllowedModelServed() throws Exception {
    NodeCalls onlyOther = as(create(NODE.calls(), "{\"models\":[\"other\"]}"));
    NodeCalls onlyChat = as(create(NODE.calls(), "{\"models\":[\"chat\"]}"));

    HttpResponse<String> refused = onlyOther.post("/v1/chat/completions", chat("chat", "hi", false));
    HttpResponse<String> served = onlyChat.post("/v1/chat/completions", chat("chat", "hi", false));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(json(refused).at("/error/message").asText()).contains("may not call model 'chat'").contains("[other]");
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
  }

  @Test
  void images_modelOutsideKeysAllowList_403AndAllowedModelServed() throws Exception {
    NodeCalls onlyOther = as(create(NODE.calls(), "{\"models\":[\"other\"]}"));
    NodeCalls onlyChat = as(create(NODE.calls(), "{\"models\":[\"chat\"]}"));
    String body = "{\"model\": \"chat\", \"prompt\": \"a red dot\"}";

    HttpResponse<String> refused = onlyOther.post("/v1/images/generations", body);
    HttpResponse<String> served = onlyChat.post("/v1/images/generations", body);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    assertThat(json(served).at("/data/0/b64_json").asText()).isNotEmpty();
  }

  @Test
  void transcription_modelOutsideKeysAllowList_403AndAllowedModelServed() throws Exception {
    NodeCalls onlyOther = as(create(NODE.calls(), "{\"models\":[\"other\"]}"));
    NodeCalls onlyChat = as(create(NODE.calls(), "{\"models\":[\"chat\"]}"));

    HttpResponse<String> refused = transcribe(onlyOther, "chat");
    HttpResponse<String> served = transcribe(onlyChat, "chat");
    HttpResponse<String> noModel = transcribe(onlyChat, null);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(json(refused).at("/error/message").asText()).contains("may not call model 'chat'");
    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    assertThat(served.body()).isNotBlank();
    assertThat(noModel.statusCode()).as(noModel.body()).isEqualTo(403);
  }

  private static HttpResponse<String> transcribe(NodeCalls key, String model) throws Exception {
    String boundary = "keys-it-boundary";
    String modelPart = model == null ? ""
        : "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + model + "\r\n";
    byte[] form = (modelPart + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
        + "Content-Type: audio/wav\r\n\r\n0123456789\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    return key.send(key.request("/v1/audio/transcriptions")
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(form)), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void deploy_withInferenceKey_403ButAdminKeyMayDeploy() throws Exception {
    NodeCalls inference = as(create(NODE.calls(), "{}"));
    NodeCalls admin = as(create(NODE.calls(), "{\"role\":\"admin\"}"));
    String body = saasDeployment("by-admin-key", NODE.upstream().baseUrl(), 1, 1, Map.of());

    HttpResponse<String> refused = inference.post("/api/deployments", body);
    HttpResponse<String> keysRefused = inference.get("/api/keys");
    HttpResponse<String> read = inference.get("/api/deployments");
    HttpResponse<String> deployed = admin.post("/api/deployments", body);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(json(refused).at("/error/message").asText()).contains("needs an admin key");
    assertThat(keysRefused.statusCode()).isEqualTo(403);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);
  }

  @Test
  void chat_overKeysRequestsPerMinute_429WithRetryAfterAndRemainingCountsDown() throws Exception {
    // All calls of this test must fall in one minute window: start early in a minute.
    await().atMost(Duration.ofSeconds(70)).until(() -> Instant.now().getEpochSecond() % 60 < 40);
    NodeCalls key = as(create(NODE.calls(), "{\"rpm\":3,\"tpm\":100000}"));

    List<String> remaining = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = key.post("/v1/chat/completions", chat("chat", "call " + i, false));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      remaining.add(r.headers().firstValue("x-ratelimit-remaining-requests").orElse("absent"));
      assertThat(r.headers().firstValue("x-ratelimit-remaining-tokens")).isPresent();
    }
    HttpResponse<String> fourth = key.post("/v1/chat/completions", chat("chat", "call 3", false));

    assertThat(remaining).containsExactly("2", "1", "0");
    assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(429);
    long retryAfter = Long.parseLong(fourth.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 60L);
    assertThat(json(fourth).at("/error/message").asText()).contains("3 requests per minute");
  }

  @Test
  void chat_overKeysTokensPerMinute_429() throws Exception {
    await().atMost(Duration.ofSeconds(70)).until(() -> Instant.now().getEpochSecond() % 60 < 40);
    NodeCalls key = as(create(NODE.calls(), "{\"tpm\":1}"));

    HttpResponse<String> first = key.post("/v1/chat/completions", chat("chat", "spend tokens", false));
    HttpResponse<String> second = key.post("/v1/chat/completions", chat("chat", "no tokens left", false));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(json(first).at("/usage/total_tokens").asLong()).isPositive();
    assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
    assertThat(json(second).at("/error/message").asText()).contains("1 tokens per minute");
  }

  @Test
  void stream_withoutUsageAsked_tokensStillCountAgainstTokensPerMinute() throws Exception {
    await().atMost(Duration.ofSeconds(70)).until(() -> Instant.now().getEpochSecond() % 60 < 40);
    NodeCalls key = as(create(NODE.calls(), "{\"tpm\":1}"));

    HttpResponse<String> first = key.post("/v1/chat/completions", chat("chat", "spend tokens streaming", true));
    HttpResponse<String> second = key.post("/v1/chat/completions", chat("chat", "no tokens left", true));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.body()).doesNotContain("\"usage\":{");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
    assertThat(json(second).at("/error/message").asText()).contains("1 tokens per minute");
  }

  @Test
  void revoke_key_401AfterwardsAndGoneFromListing() throws Exception {
    JsonNode created = create(NODE.calls(), "{\"name\":\"short-lived\"}");
    NodeCalls key = as(created);
    assertThat(key.post("/v1/chat/completions", chat("chat", "before", false)).statusCode()).isEqualTo(200);

    HttpResponse<String> revoked = NODE.calls().delete("/api/keys/" + created.path("id").asText());

    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    assertThat(json(revoked).path("revoked").asBoolean()).isTrue();
    assertThat(json(revoked).path("replicated").asBoolean()).isTrue();
    assertThat(key.post("/v1/chat/completions", chat("chat", "after", false)).statusCode()).isEqualTo(401);
    assertThat(NODE.calls().get("/api/keys").body()).doesNotContain(created.path("id").asText());
  }

  @Test
  void createAndList_key_neverShownAgainInListingsErrorsOrLogs() throws Exception {
    JsonNode created = create(NODE.calls(), "{\"name\":\"secret-check\",\"models\":[\"other\"]}");
    String secret = created.path("key").asText();
    NodeCalls key = as(created);

    HttpResponse<String> listing = NODE.calls().get("/api/keys");
    HttpResponse<String> refused = key.post("/v1/chat/completions", chat("chat", "not allowed", false));
    HttpResponse<String> wrong = new NodeCalls(NODE.node().httpUrl()).withBearer(secret + "x")
        .post("/v1/chat/completions", chat("chat", "wrong key", false));

    assertThat(secret).startsWith("llm-" + created.path("id").asText() + "-");
    assertThat(listing.statusCode()).isEqualTo(200);
    assertThat(listing.body()).contains(created.path("id").asText()).contains("secret-check")
        .doesNotContain(secret).doesNotContain(secret.substring(secret.lastIndexOf('-') + 1));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).doesNotContain(secret);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain(secret);
    List<String> lines = LOGS.lines();
    assertThat(lines).anyMatch(l -> l.contains("deployed chat")); // the capture works
    assertThat(lines).noneMatch(l -> l.contains(secret))
        .noneMatch(l -> l.contains(secret.substring(secret.lastIndexOf('-') + 1))).noneMatch(l -> l.contains(ADMIN));
  }

  @Test
  void anyCall_withoutOrWithWrongKey_401() throws Exception {
    NodeCalls anonymous = new NodeCalls(NODE.node().httpUrl());
    NodeCalls forged = anonymous.withBearer("llm-0011223344556677-forged");

    assertThat(anonymous.post("/v1/chat/completions", chat("chat", "x", false)).statusCode()).isEqualTo(401);
    assertThat(forged.post("/v1/chat/completions", chat("chat", "x", false)).statusCode()).isEqualTo(401);
    assertThat(forged.get("/api/deployments").statusCode()).isEqualTo(401);
  }
}
