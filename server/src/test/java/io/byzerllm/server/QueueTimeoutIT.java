package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call that waits in a worker's queue longer than {@code byzerllm.worker.queue-timeout} is
 * refused with 429 (this class's node has a 1 s queue timeout instead of the 60 s default).
 */
class QueueTimeoutIT {
  private static final String QUEUE_TIMEOUT = "byzerllm.worker.queue-timeout";
  @TempDir static Path home;
  static FakeOpenAiServer upstream;
  static Node node;
  static NodeCalls calls;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeOpenAiServer.start();
    node = Node.start(NodeSettings.ephemeral(home).withConfig(QUEUE_TIMEOUT, "1s"));
    calls = new NodeCalls(node.httpUrl());
    calls.deploy(saasDeployment("chat", upstream.baseUrl(), 1, 1, Map.of("worker.queue_size", "4")));
  }

  @AfterAll
  static void stop() {
    node.close();
    upstream.close();
  }

  @Test
  void chat_queuedLongerThanTheQueueTimeout_refusedWith429AndRetryAfter() throws Exception {
    upstream.stallAll(true);
    CompletableFuture<HttpResponse<String>> holding = calls.postAsync("/v1/chat/completions", chat("chat", "hold the slot", false));
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> upstream.inFlight() == 1);

      HttpResponse<String> r = calls.postAsync("/v1/chat/completions", chat("chat", "wait in the queue", false))
          .get(30, TimeUnit.SECONDS);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
      JsonNode error = json(r).path("error");
      assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
      assertThat(error.path("message").asText()).contains("waited 1s in the queue");
      assertThat(upstream.requestCount()).isEqualTo(1); // the refused call never reached the provider
      assertThat(holding).isNotDone();
    } finally {
      upstream.stallAll(false);
      upstream.releaseStalled();
    }
    HttpResponse<String> held = holding.get(30, TimeUnit.SECONDS);
    assertThat(held.statusCode()).isEqualTo(200);
    assertThat(content(held)).isEqualTo("echo: hold the slot");
  }
}
