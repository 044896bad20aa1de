package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker's circuit breaker (2 failures in a row, 2 s cooldown) through a real node: it opens after
 * its provider fails twice, refuses at once while open without calling the provider, and closes
 * after a successful call once the cooldown has passed; /api/deployments shows each state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BreakerIT {
  @RegisterExtension
  static final SaasNode NODE = SaasNode.deploying("flaky", 1, 2).param("saas.max_retries", "0")
      .config("byzerllm.worker.breaker.failures", "2").config("byzerllm.worker.breaker.cooldown", "2s");

  private static String breaker() throws Exception {
    return json(NODE.calls().get("/api/deployments/flaky")).at("/workers/0/breaker").asText();
  }

  @Test
  void breaker_opensAfterRepeatedUpstreamFailures_failsFastThenClosesAfterCooldown() throws Exception {
    NODE.upstream().failNext(500, "down").failNext(502, "still down");
    assertThat(NODE.calls().post("/v1/chat/completions", chat("flaky", "one", false)).statusCode()).isEqualTo(502);
    assertThat(breaker()).isEqualTo("closed");
    assertThat(NODE.calls().post("/v1/chat/completions", chat("flaky", "two", false)).statusCode()).isEqualTo(502);
    int upstreamCalls = NODE.upstream().requestCount();

    HttpResponse<String> refused = NODE.calls().post("/v1/chat/completions", chat("flaky", "while open", false));

    assertThat(breaker()).isIn("open", "half_open");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(refused).at("/error/message").asText()).contains("cooling down after 2 upstream failures");
    assertThat(NODE.upstream().requestCount()).isEqualTo(upstreamCalls);

    await().atMost(Duration.ofSeconds(10)).until(() -> breaker().equals("half_open"));
    HttpResponse<String> served = NODE.calls().post("/v1/chat/completions", chat("flaky", "after cooldown", false));

    assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
    assertThat(breaker()).isEqualTo("closed");
  }
}
