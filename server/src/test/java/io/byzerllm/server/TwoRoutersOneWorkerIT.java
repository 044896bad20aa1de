package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes in one cluster (two ActorSystems in this JVM) and one worker: each node's router
 * numbers its calls from zero, so the worker gets calls with equal ids from both and must still
 * answer each one and count each against its permits.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TwoRoutersOneWorkerIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension
  static final TwoNodes NODES = TwoNodes.start();
  static FakeOpenAiServer upstream;
  static NodeCalls callsA;
  static NodeCalls callsB;

  @BeforeAll
  static void deploy() throws Exception {
    upstream = NODES.upstream();
    callsA = NODES.callsA();
    callsB = NODES.callsB();
    callsA.deploy(saasDeployment("shared", upstream.baseUrl(), 1, 2, Map.of()));
  }

  @Test
  void chat_sameCallNumberFromEachNode_bothAnsweredAndBothHoldAPermit() throws Exception {
    // One call through each router first (its call 0), so the next call of each is call 1.
    assertThat(callsA.post("/v1/chat/completions", chat("shared", "warm up a", false)).statusCode()).isEqualTo(200);
    await().atMost(WAIT).untilAsserted(() -> // until node B's router has heard of the worker
        assertThat(callsB.post("/v1/chat/completions", chat("shared", "warm up b", false)).statusCode()).isEqualTo(200));
    upstream.stallAll(true);
    CompletableFuture<HttpResponse<String>> viaA;
    CompletableFuture<HttpResponse<String>> viaB;
    try {
      viaA = callsA.postAsync("/v1/chat/completions", chat("shared", "through a", false));
      viaB = callsB.postAsync("/v1/chat/completions", chat("shared", "through b", false));

      await().atMost(WAIT).until(() -> upstream.inFlight() == 2);
      assertThat(callsA.sumOverWorkers("shared", "in_flight")).isEqualTo(2);
    } finally {
      upstream.stallAll(false);
      upstream.releaseStalled();
    }

    HttpResponse<String> a = viaA.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    HttpResponse<String> b = viaB.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
    assertThat(content(a)).isEqualTo("echo: through a");
    assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
    assertThat(content(b)).isEqualTo("echo: through b");
  }
}
