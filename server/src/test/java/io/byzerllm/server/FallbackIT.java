package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A deployment "primary" with {@code fallbacks: [backup]}, each on its own provider: when the
 * primary's provider fails before answering, the backup's answers; when the caller is at fault, or
 * the stream had begun, nothing moves.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FallbackIT {
  @RegisterExtension
  static final SaasNode NODE = SaasNode.deploying("backup", 1, 4)
      .config("byzerllm.worker.breaker.failures", "0") // breaker off: each test scripts its own failures
      // The routing table learns of deployments this late: a call right after a deploy comes before it.
      .config("pekko.cluster.distributed-data.notify-subscribers-interval", "3s");
  static FakeOpenAiServer primaryUpstream;

  @BeforeAll
  static void deployPrimary() throws Exception {
    primaryUpstream = FakeOpenAiServer.start();
    ObjectNode body = (ObjectNode) NodeCalls.JSON.readTree(saasDeployment("primary", primaryUpstream.baseUrl(), 1, 4,
        Map.of("saas.max_retries", "0")));
    body.putArray("fallbacks").add("backup");
    NODE.calls().deploy(body.toString());
    // The node's routing table learns a new deployment's fallbacks within its notify interval (100 ms).
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      primaryUpstream.failNext(500, "until the routing table knows the fallback");
      return NODE.calls().post("/v1/chat/completions", chat("primary", "ready?", false)).statusCode() == 200;
    });
  }

  @AfterAll
  static void stopUpstream() {
    primaryUpstream.close();
  }

  @BeforeEach
  void clear() {
    primaryUpstream.clearRequests();
    NODE.upstream().clearRequests();
  }

  @Test
  void chat_rightAfterItsDeploy_primaryUpstreamFails_backupAnswers() throws Exception {
    FakeOpenAiServer freshUpstream = FakeOpenAiServer.start();
    try {
      ObjectNode body = (ObjectNode) NodeCalls.JSON.readTree(saasDeployment("fresh", freshUpstream.baseUrl(), 1, 4,
          Map.of("saas.max_retries", "0")));
      body.putArray("fallbacks").add("backup");
      NODE.calls().deploy(body.toString());
      freshUpstream.failNext(500, "fresh is down");

      HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("fresh", "hello", false));

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(content(r)).isEqualTo("echo: hello");
    } finally {
      freshUpstream.close();
    }
  }

  @Test
  void chat_primaryUpstreamFails_backupAnswers() throws Exception {
    primaryUpstream.failNext(500, "primary is down");

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("primary", "hello", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: hello");
    assertThat(primaryUpstream.requests().size()).isEqualTo(1);
    assertThat(NODE.upstream().requests().size()).isEqualTo(1);
    assertThat(NODE.upstream().requests().get(0).body()).contains("up-backup");
  }

  @Test
  void stream_primaryUpstreamFailsBeforeFirstByte_backupStreams() throws Exception {
    primaryUpstream.failNext(503, "primary is overloaded");
    ObjectNode body = (ObjectNode) NodeCalls.JSON.readTree(chat("primary", "streamed", true));
    body.put("logprobs", true);

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", body.toString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: streamed");
    assertThat(NODE.upstream().requests().size()).isEqualTo(1);
    // the backup's events passed through as its bytes (logprobs survive only there), under the name called
    assertThat(r.body()).contains("\"logprobs\":{\"content\":[").contains("\"model\":\"primary\"");
  }

  @Test
  void stream_primaryFailsAfterFirstByte_noFallback() throws Exception {
    primaryUpstream.failMidStreamNext("cut after the first chunk");

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("primary", "cut short", true));

    assertThat(r.statusCode()).isEqualTo(200); // the stream had begun: its error travels in it
    assertThat(r.body()).contains("error");
    assertThat(NODE.upstream().requests().size()).isZero();
  }

  @Test
  void chat_primaryRefusesTheRequest_400AndNoFallback() throws Exception {
    primaryUpstream.failNext(400, "bad request for the primary");

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("primary", "bad", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(NODE.upstream().requests().size()).isZero();
  }

  @Test
  void deployment_listsItsFallbacks() throws Exception {
    HttpResponse<String> r = NODE.calls().get("/api/deployments/primary");

    assertThat(json(r).path("fallbacks").toString()).isEqualTo("[\"backup\"]");
  }
}
