package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.JSON;
import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploy, replace, undeploy and describe over /api/deployments, on a node that offers 4 CPUs. */
class DeploymentLifecycleIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir static Path home;
  static FakeOpenAiServer oldUpstream;
  static FakeOpenAiServer newUpstream;
  static Node node;
  static NodeCalls calls;

  @BeforeAll
  static void start() {
    oldUpstream = FakeOpenAiServer.start();
    newUpstream = FakeOpenAiServer.start();
    node = Node.start(NodeSettings.ephemeral(home).withResources(4, 0));
    calls = new NodeCalls(node.httpUrl());
  }

  @AfterAll
  static void stop() {
    node.close();
    oldUpstream.close();
    newUpstream.close();
  }

  @Test
  void deploy_nameTaken_409NamesReplace() throws Exception {
    calls.deploy(saasDeployment("taken", oldUpstream.baseUrl(), 1, 1, Map.of()));

    HttpResponse<String> r = calls.post("/api/deployments", saasDeployment("taken", newUpstream.baseUrl(), 1, 1, Map.of()));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("conflict_error");
    assertThat(json(r).at("/error/message").asText()).contains("'taken'").contains("--replace");
    assertThat(calls.deployment("taken").at("/infer_params/saas.base_url").asText()).isEqualTo(oldUpstream.baseUrl());
  }

  @Test
  void deploy_replace_swapsWithoutDroppingTheRequestInFlight() throws Exception {
    calls.deploy(saasDeployment("swap", oldUpstream.baseUrl(), 1, 2, Map.of()));
    int oldBefore = oldUpstream.requestCount();
    oldUpstream.stallNext();
    CompletableFuture<HttpResponse<String>> slow = calls.postAsync("/v1/chat/completions", chat("swap", "slow one", false));
    try {
      await().atMost(WAIT).until(() -> oldUpstream.inFlight() == 1);

      HttpResponse<String> replaced = calls.post("/api/deployments", replacing("swap", "new-model"));

      assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(201);
      assertThat(json(replaced).at("/infer_params/saas.model").asText()).isEqualTo("new-model");
      HttpResponse<String> fresh = calls.post("/v1/chat/completions", chat("swap", "fresh one", false));
      assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
      assertThat(newUpstream.requests()).last().satisfies(req -> {
        assertThat(req.json().path("model").asText()).isEqualTo("new-model");
        assertThat(req.json().at("/messages/0/content").asText()).isEqualTo("fresh one");
      });
      assertThat(slow).isNotDone();
    } finally {
      oldUpstream.releaseStalled();
    }
    HttpResponse<String> slowAnswer = slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(slowAnswer.statusCode()).as(slowAnswer.body()).isEqualTo(200);
    assertThat(content(slowAnswer)).isEqualTo("echo: slow one");
    assertThat(oldUpstream.requestCount() - oldBefore).isEqualTo(1);
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode workers = calls.deployment("swap").path("workers");
      assertThat(workers.size()).isEqualTo(1); // the old generation drained and stopped
      assertThat(workers.at("/0/backend/upstream_model").asText()).isEqualTo("new-model");
    });
  }

  @Test
  void deploy_replace_firstRequestAfterTheAnswer_reachesTheNewWorkers() throws Exception {
    calls.deploy(saasDeployment("swap-at-once", oldUpstream.baseUrl(), 1, 1, Map.of()));
    assertThat(calls.post("/v1/chat/completions", chat("swap-at-once", "warm up", false)).statusCode()).isEqualTo(200);
    assertThat(calls.post("/api/deployments", replacing("swap-at-once", "newer-model")).statusCode()).isEqualTo(201);

    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("swap-at-once", "right after", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(newUpstream.requests()).last().satisfies(req ->
        assertThat(req.json().path("model").asText()).isEqualTo("newer-model"));
  }

  @Test
  void chat_anEarlierModelsWorkersChange_everyModelKeepsBeingRouted() throws Exception {
    calls.deploy(saasDeployment("earlier", oldUpstream.baseUrl(), 1, 1, Map.of()));
    assertThat(calls.post("/v1/chat/completions", chat("earlier", "first", false)).statusCode()).isEqualTo(200);
    calls.deploy(saasDeployment("later", newUpstream.baseUrl(), 1, 1, Map.of()));
    assertThat(calls.post("/v1/chat/completions", chat("later", "second", false)).statusCode()).isEqualTo(200);

    calls.delete("/api/deployments/earlier"); // the router hears a new listing of the earlier model

    HttpResponse<String> later = calls.postAsync("/v1/chat/completions", chat("later", "still there?", false))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    HttpResponse<String> earlier = calls.postAsync("/v1/chat/completions", chat("earlier", "gone?", false))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(later.statusCode()).as(later.body()).isEqualTo(200);
    assertThat(content(later)).isEqualTo("echo: still there?");
    assertThat(earlier.statusCode()).as(earlier.body()).isEqualTo(404);
  }

  @Test
  void deploy_moreCpusThanTheNodeHas_400SaysWhatIsFree() throws Exception {
    String tooBig = JSON.createObjectNode().put("model", "huge").put("pretrained_model_type", "saas/openai")
        .put("num_workers", 1000).put("cpus_per_worker", 1)
        .set("infer_params", JSON.createObjectNode().put("saas.base_url", oldUpstream.baseUrl())).toString();

    HttpResponse<String> r = calls.post("/api/deployments", tooBig);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    String message = json(r).at("/error/message").asText();
    assertThat(message).contains("not enough resources").contains("--num_workers 1000").contains("free of");
    assertThat(calls.get("/api/deployments/huge").statusCode()).isEqualTo(404);
  }

  @Test
  void undeploy_twice_removedThenNotRemoved() throws Exception {
    calls.deploy(saasDeployment("once", oldUpstream.baseUrl(), 1, 1, Map.of()));

    HttpResponse<String> first = calls.delete("/api/deployments/once");
    HttpResponse<String> second = calls.delete("/api/deployments/once");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(json(first)).isEqualTo(JSON.readTree("{\"model\": \"once\", \"removed\": true}"));
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(json(second)).isEqualTo(JSON.readTree("{\"model\": \"once\", \"removed\": false}"));
    assertThat(calls.get("/api/deployments/once").statusCode()).isEqualTo(404);
  }

  @Test
  void describe_afterCalls_workersShowPermitsAndCountRequestsAndErrors() throws Exception {
    calls.deploy(saasDeployment("counted", oldUpstream.baseUrl(), 2, 3, Map.of("saas.max_retries", "0")));
    for (int i = 0; i < 3; i++) {
      assertThat(calls.post("/v1/chat/completions", chat("counted", "call " + i, false)).statusCode()).isEqualTo(200);
    }
    oldUpstream.failNext(500, "boom");
    assertThat(calls.post("/v1/chat/completions", chat("counted", "failing", false)).statusCode()).isEqualTo(502);

    JsonNode d = calls.deployment("counted");

    assertThat(d.path("model").asText()).isEqualTo("counted");
    assertThat(d.path("state").asText()).as(d.toString()).isEqualTo("ready");
    assertThat(d.path("workers").size()).isEqualTo(2);
    assertThat(d.path("workers").findValuesAsText("permits")).containsExactly("3", "3");
    assertThat(d.path("workers").findValuesAsText("state")).containsExactly("ready", "ready");
    assertThat(calls.sumOverWorkers("counted", "requests")).isEqualTo(4);
    assertThat(calls.sumOverWorkers("counted", "errors")).isEqualTo(1);
    assertThat(calls.sumOverWorkers("counted", "in_flight")).isZero();
  }

  @Test
  void models_afterDeployAndUndeploy_listsExactlyTheDeployedOnes() throws Exception {
    calls.deploy(saasDeployment("listed", oldUpstream.baseUrl(), 1, 1, Map.of()));
    calls.deploy(saasDeployment("gone", oldUpstream.baseUrl(), 1, 1, Map.of()));
    calls.delete("/api/deployments/gone");

    HttpResponse<String> models = calls.get("/v1/models");
    HttpResponse<String> deployments = calls.get("/api/deployments");

    assertThat(models.statusCode()).isEqualTo(200);
    Set<String> ids = new HashSet<>(json(models).path("data").findValuesAsText("id"));
    assertThat(ids).contains("listed").doesNotContain("gone");
    Set<String> deployed = new HashSet<>();
    json(deployments).path("deployments").forEach(d -> deployed.add(d.path("model").asText()));
    assertThat(ids).isEqualTo(deployed);
    JsonNode listed = json(models).path("data").findParents("id").stream()
        .filter(m -> m.path("id").asText().equals("listed")).findFirst().orElseThrow();
    assertThat(listed.path("object").asText()).isEqualTo("model");
    assertThat(listed.path("owned_by").asText()).isEqualTo("byzerllm");
    assertThat(listed.path("pretrained_model_type").asText()).isEqualTo("saas/openai");
  }

  @Test
  void deployAndUndeploy_backToBack_eachAnswerIsAlreadyInTheListing() throws Exception {
    Set<String> expected = new HashSet<>(modelIds());
    for (int i = 0; i < 10; i++) {
      calls.deploy(saasDeployment("burst-" + i, oldUpstream.baseUrl(), 1, 1, Map.of()));
      expected.add("burst-" + i);

      assertThat(modelIds()).as("listed right after deploying burst-" + i).containsAll(expected);
    }
    for (int i = 0; i < 10; i++) {
      calls.delete("/api/deployments/burst-" + i);
      expected.remove("burst-" + i);

      assertThat(modelIds()).as("listed right after undeploying burst-" + i).doesNotContain("burst-" + i)
          .containsAll(expected);
    }
  }

  private static Set<String> modelIds() throws Exception {
    HttpResponse<String> models = calls.get("/v1/models");
    assertThat(models.statusCode()).isEqualTo(200);
    return new HashSet<>(json(models).path("data").findValuesAsText("id"));
  }

  @Test
  void deploy_backendCannotStart_400WithTheRealReasonAndNothingDeployed() throws Exception {
    String noKey = JSON.createObjectNode().put("model", "keyless").put("pretrained_model_type", "saas/openai")
        .put("cpus_per_worker", 0.001)
        .set("infer_params", JSON.createObjectNode().put("saas.base_url", "https://api.example.invalid/v1")).toString();

    HttpResponse<String> r = calls.post("/api/deployments", noKey);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("'keyless'").contains("needs an API key")
        .contains("saas.api_key");
    assertThat(calls.get("/api/deployments/keyless").statusCode()).isEqualTo(404);
    assertThat(json(calls.get("/v1/models")).path("data").findValuesAsText("id")).doesNotContain("keyless");
  }

  /** The model's deployment moved to {@code newUpstream} with another upstream model, {@code "replace": true}. */
  private static String replacing(String model, String upstreamModel) throws Exception {
    ObjectNode body = (ObjectNode) JSON.readTree(saasDeployment(model, newUpstream.baseUrl(), 1, 2,
        Map.of("saas.model", upstreamModel)));
    return body.put("replace", true).toString();
  }
}
