package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.json;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes of one cluster (two ActorSystems in this JVM), each with the same bootstrap key: a key
 * created through one works through the other, a revoke through one is refused by the other as
 * soon as the revoke answers (plus the snapshot's notify interval), and a concurrency limit counts
 * calls held through the other node.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KeysAcrossNodesIT {
  private static final String ADMIN = "cluster-admin-key";
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** byzerllm's notify-subscribers-interval (100 ms) with room for a loaded CI machine. */
  private static final Duration AT_ONCE = Duration.ofSeconds(2);
  @RegisterExtension
  static final TwoNodes NODES = TwoNodes.start().apiKey(ADMIN);
  static FakeOpenAiServer upstream;
  static Node nodeA;
  static Node nodeB;
  static NodeCalls adminA;
  static NodeCalls adminB;

  @BeforeAll
  static void deploy() throws Exception {
    upstream = NODES.upstream();
    nodeA = NODES.a();
    nodeB = NODES.b();
    adminA = NODES.callsA();
    adminB = NODES.callsB();
    adminA.deploy(saasDeployment("shared", upstream.baseUrl(), 2, 8, Map.of()));
  }

  private static JsonNode create(NodeCalls admin, String body) throws Exception {
    HttpResponse<String> r = admin.post("/api/keys", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(json(r).path("replicated").asBoolean()).isTrue();
    return json(r);
  }

  @Test
  void revoke_throughOneNode_keyRefusedByEveryNodeAtOnce() throws Exception {
    JsonNode created = create(adminA, "{\"name\":\"revoke-me\"}");
    NodeCalls viaA = new NodeCalls(nodeA.httpUrl()).withBearer(created.path("key").asText());
    NodeCalls viaB = new NodeCalls(nodeB.httpUrl()).withBearer(created.path("key").asText());
    await().atMost(AT_ONCE).untilAsserted(() ->
        assertThat(viaB.post("/v1/chat/completions", chat("shared", "known on b", false)).statusCode()).isEqualTo(200));
    assertThat(viaA.post("/v1/chat/completions", chat("shared", "known on a", false)).statusCode()).isEqualTo(200);

    HttpResponse<String> revoked = adminB.delete("/api/keys/" + created.path("id").asText());

    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    assertThat(json(revoked).path("replicated").asBoolean()).isTrue();
    assertThat(viaB.post("/v1/chat/completions", chat("shared", "after on b", false)).statusCode()).isEqualTo(401);
    await().atMost(AT_ONCE).untilAsserted(() ->
        assertThat(viaA.post("/v1/chat/completions", chat("shared", "after on a", false)).statusCode()).isEqualTo(401));
    assertThat(adminA.get("/api/keys").body()).doesNotContain(created.path("id").asText());
  }

  @Test
  void chat_keyLimitedToTwoWithBothHeldThroughNodeA_thirdThroughNodeB429() throws Exception {
    JsonNode created = create(adminA, "{\"max_concurrent\":2}");
    String id = created.path("id").asText();
    NodeCalls viaA = new NodeCalls(nodeA.httpUrl()).withBearer(created.path("key").asText());
    NodeCalls viaB = new NodeCalls(nodeB.httpUrl()).withBearer(created.path("key").asText());
    await().atMost(AT_ONCE).until(() -> adminB.get("/api/keys").body().contains(id));
    upstream.stallAll(true);
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    HttpResponse<String> third;
    try {
      held.add(viaA.postAsync("/v1/chat/completions", chat("shared", "one", false)));
      held.add(viaA.postAsync("/v1/chat/completions", chat("shared", "two", false)));
      await().atMost(WAIT).until(() -> upstream.inFlight() == 2);
      // Node B learns node A's calls in flight from A's usage report.
      await().atMost(WAIT).until(() -> inFlightSeenBy(adminB, id) == 2);

      third = viaB.post("/v1/chat/completions", chat("shared", "three", false));
    } finally {
      upstream.stallAll(false);
      upstream.releaseStalled();
    }

    assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
    assertThat(third.headers().firstValue("Retry-After")).isPresent();
    for (CompletableFuture<HttpResponse<String>> f : held) {
      assertThat(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    await().atMost(WAIT).until(() -> inFlightSeenBy(adminB, id) == 0);
    assertThat(viaB.post("/v1/chat/completions", chat("shared", "after", false)).statusCode()).isEqualTo(200);
  }

  private static int inFlightSeenBy(NodeCalls admin, String id) throws Exception {
    for (JsonNode k : json(admin.get("/api/keys")).path("keys")) {
      if (k.path("id").asText().equals(id)) {
        return k.at("/usage/in_flight").asInt();
      }
    }
    return -1;
  }
}
