package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with an API key: the key is enforced on /v1 and /api, /health stays open, and neither that
 * key nor a provider's key shows up in listings, error bodies or the node's logs. The provider key
 * is not shaped like {@code sk-...}, so only the deployment's own redaction can hide it.
 */
@Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
class SecretsIT {
  private static final String NODE_KEY = "node-key";
  private static final String PROVIDER_KEY = "prov-4b1e8d2f7c9a-byzer-secret";
  // credentials that travel as headers (saas.headers.*), not as saas.api_key
  private static final String HEADER_TOKEN = "hdrtok-5e6f7a8b9c0d1e2f";
  private static final String HEADER_KEY = "hdrkey-a1b2c3d4e5f60718";
  @TempDir static Path home;
  static FakeOpenAiServer upstream;        // behind "good": accepts PROVIDER_KEY
  static FakeOpenAiServer strictUpstream;  // behind "refused": wants another key and echoes the one it got
  static Node node;
  static NodeCalls anonymous;
  static NodeCalls calls;
  @RegisterExtension
  static final CapturedLogs LOGS = new CapturedLogs();

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeOpenAiServer.start().requireApiKey(PROVIDER_KEY);
    strictUpstream = FakeOpenAiServer.start().requireApiKey("prov-the-one-it-really-wants");
    node = Node.start(NodeSettings.ephemeral(home).withApiKey(NODE_KEY));
    anonymous = new NodeCalls(node.httpUrl());
    calls = anonymous.withBearer(NODE_KEY);
    Map<String, String> params = Map.of("saas.api_key", PROVIDER_KEY, "saas.max_retries", "0");
    calls.deploy(saasDeployment("good", upstream.baseUrl(), 1, 2, params));
    calls.deploy(saasDeployment("refused", strictUpstream.baseUrl(), 1, 1, params));
    // no saas.api_key: the Authorization header carries the credential, and the strict upstream echoes it
    calls.deploy(saasDeployment("headered", strictUpstream.baseUrl(), 1, 1, Map.of("saas.max_retries", "0",
        "saas.headers.Authorization", "Bearer " + HEADER_TOKEN, "saas.headers.X-Api-Key", HEADER_KEY,
        "saas.headers.X-Request-Source", "secrets-it")));
  }

  @AfterAll
  static void stop() {
    try {
      node.close();
    } finally {
      upstream.close();
      strictUpstream.close();
    }
  }

  @Test
  void models_withoutBearer_401OpenAiShaped() throws Exception {
    HttpResponse<String> r = anonymous.get("/v1/models");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("authentication_error");
    assertThat(json(r).at("/error/message").asText()).contains("Authorization: Bearer");
  }

  @Test
  void deployments_wrongBearer_401OpenAiShaped() throws Exception {
    HttpResponse<String> r = anonymous.withBearer("not-the-node-key").get("/api/deployments");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("authentication_error");
  }

  @Test
  void chat_withoutBearer_401AndNothingReachesTheProvider() throws Exception {
    int before = upstream.requestCount();

    HttpResponse<String> r = anonymous.post("/v1/chat/completions", chat("good", "hi", false));

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(upstream.requestCount()).isEqualTo(before);
  }

  @Test
  void modelsAndDeployments_rightBearer_200() throws Exception {
    HttpResponse<String> models = calls.get("/v1/models");
    HttpResponse<String> deployments = calls.get("/api/deployments");

    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(json(models).findValuesAsText("id")).contains("good", "refused");
    assertThat(deployments.statusCode()).isEqualTo(200);
    assertThat(json(deployments).findValuesAsText("model")).contains("good", "refused");
  }

  @Test
  void health_withoutBearer_200() throws Exception {
    HttpResponse<String> r = anonymous.get("/health");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("status").asText()).isEqualTo("ok");
  }

  @Test
  void listings_neverShowTheProviderKey() throws Exception {
    HttpResponse<String> all = calls.get("/api/deployments");
    HttpResponse<String> one = calls.get("/api/deployments/good");
    HttpResponse<String> models = calls.get("/v1/models");

    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(json(one).at("/infer_params/saas.api_key").asText()).isEqualTo("***");
    for (HttpResponse<String> r : List.of(all, one, models)) {
      assertThat(r.body()).doesNotContain(PROVIDER_KEY).doesNotContain(NODE_KEY);
    }
  }

  @Test
  void listingsAndStat_headerCredentials_maskedPlainHeadersShown() throws Exception {
    HttpResponse<String> one = calls.get("/api/deployments/headered");
    HttpResponse<String> all = calls.get("/api/deployments");
    HttpResponse<String> cluster = calls.get("/api/cluster");

    assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
    assertThat(json(one).at("/infer_params/saas.headers.Authorization").asText()).isEqualTo("***");
    assertThat(json(one).at("/infer_params/saas.headers.X-Api-Key").asText()).isEqualTo("***");
    assertThat(json(one).at("/infer_params/saas.headers.X-Request-Source").asText()).isEqualTo("secrets-it");
    for (HttpResponse<String> r : List.of(one, all, cluster)) {
      assertThat(r.body()).doesNotContain(HEADER_TOKEN).doesNotContain(HEADER_KEY);
    }
  }

  @Test
  void chat_providerEchoesTheHeaderCredential_errorBodyHasItRedacted() throws Exception {
    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("headered", "hi", false));
    HttpResponse<String> streamed = calls.post("/v1/chat/completions", chat("headered", "hi", true));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(json(r).at("/error/message").asText()).contains("Incorrect API key provided: ***");
    assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(401);
    assertThat(strictUpstream.requests()).anySatisfy(req ->
        assertThat(req.header("Authorization")).isEqualTo("Bearer " + HEADER_TOKEN)); // the provider did get it
    for (HttpResponse<String> each : List.of(r, streamed)) {
      assertThat(each.body()).doesNotContain(HEADER_TOKEN).doesNotContain(HEADER_KEY);
    }
  }

  @Test
  void chat_providerEchoesTheRefusedKey_errorBodyHasItRedacted() throws Exception {
    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("refused", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(json(r).at("/error/message").asText()).contains("Incorrect API key provided: ***");
    assertThat(r.body()).doesNotContain(PROVIDER_KEY);
  }

  @Test
  void logs_deployChatStreamAndErrorPaths_neverHoldAKey() throws Exception {
    HttpResponse<String> ok = calls.post("/v1/chat/completions", chat("good", "hello", false));
    HttpResponse<String> streamed = calls.post("/v1/chat/completions", chat("good", "hello stream", true));
    HttpResponse<String> refused = calls.post("/v1/chat/completions", chat("refused", "hi", false));
    HttpResponse<String> headered = calls.post("/v1/chat/completions", chat("headered", "hi", false));
    HttpResponse<String> badDeploy = calls.post("/api/deployments", saasDeployment("broken", upstream.baseUrl(), 1, 1,
        Map.of("saas.api_key", PROVIDER_KEY, "saas.timeout", "soon")));
    HttpResponse<String> undeployed = calls.delete("/api/deployments/refused");

    assertThat(content(ok)).isEqualTo("echo: hello");
    assertThat(content(streamed)).isEqualTo("echo: hello stream");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(headered.statusCode()).isEqualTo(401);
    assertThat(badDeploy.statusCode()).as(badDeploy.body()).isEqualTo(400);
    assertThat(badDeploy.body()).contains("saas.timeout").doesNotContain(PROVIDER_KEY);
    assertThat(json(undeployed).path("removed").asBoolean()).isTrue();
    List<String> lines = LOGS.lines();
    assertThat(lines).anyMatch(l -> l.contains("deployed good")); // the capture works
    assertThat(lines).anyMatch(l -> l.contains("undeployed refused"));
    assertThat(lines).anyMatch(l -> l.contains("deployed headered"));
    assertThat(lines).noneMatch(l -> l.contains(PROVIDER_KEY)).noneMatch(l -> l.contains(NODE_KEY))
        .noneMatch(l -> l.contains(HEADER_TOKEN)).noneMatch(l -> l.contains(HEADER_KEY));
  }
}
