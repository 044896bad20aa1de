package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A stream holds its worker until it ends, and routing counts it so: short calls go to the free worker. */
@Timeout(90)
class StreamAwareRoutingIT {
  @TempDir static Path home;
  static FakeOpenAiServer upstream;
  static Node node;
  static NodeCalls calls;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeOpenAiServer.start();
    node = Node.start(NodeSettings.ephemeral(home));
    calls = new NodeCalls(node.httpUrl());
    calls.deploy(saasDeployment("mix", upstream.baseUrl(), 2, 4, Map.of()));
  }

  @AfterAll
  static void stop() {
    node.close();
    upstream.close();
  }

  @Test
  void shortCalls_whileALongStreamRunsOnOneWorker_allGoToTheOtherWorker() throws Exception {
    upstream.chunkDelay(Duration.ofMillis(400));
    CompletableFuture<HttpResponse<String>> stream = calls.postAsync("/v1/chat/completions",
        chat("mix", "a long streamed answer with many many words in it to keep the stream open", true));
    await().atMost(Duration.ofSeconds(20)).until(() -> calls.sumOverWorkers("mix", "in_flight") == 1);
    int streamingWorker = workerWithCallInFlight();

    upstream.chunkDelay(Duration.ZERO);
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = calls.post("/v1/chat/completions", chat("mix", "short " + i, false));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    JsonNode workers = calls.deployment("mix").path("workers");
    for (JsonNode w : workers) {
      int expected = w.path("index").asInt() == streamingWorker ? 0 : 6;
      assertThat(w.path("requests").asInt()).as("requests of worker %s", w.path("index")).isEqualTo(expected);
    }
    assertThat(stream.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  private int workerWithCallInFlight() throws Exception {
    for (JsonNode w : calls.deployment("mix").path("workers")) {
      if (w.path("in_flight").asInt() == 1) {
        return w.path("index").asInt();
      }
    }
    throw new AssertionError("no worker holds the stream");
  }
}
