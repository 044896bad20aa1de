package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/** A stream holds its worker until it ends, and routing counts it so: short calls go to the free worker. */
@Timeout(90)
class StreamAwareRoutingIT {
  @RegisterExtension static final SaasNode NODE = SaasNode.deploying("mix", 2, 4);

  @Test
  void shortCalls_whileALongStreamRunsOnOneWorker_allGoToTheOtherWorker() throws Exception {
    NODE.upstream().chunkDelay(Duration.ofMillis(400));
    CompletableFuture<HttpResponse<String>> stream = NODE.calls().postAsync("/v1/chat/completions",
        chat("mix", "a long streamed answer with many many words in it to keep the stream open", true));
    await().atMost(Duration.ofSeconds(20)).until(() -> NODE.calls().sumOverWorkers("mix", "in_flight") == 1);
    int streamingWorker = workerWithCallInFlight();

    NODE.upstream().chunkDelay(Duration.ZERO);
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("mix", "short " + i, false));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    JsonNode workers = NODE.calls().deployment("mix").path("workers");
    for (JsonNode w : workers) {
      int expected = w.path("index").asInt() == streamingWorker ? 0 : 6;
      assertThat(w.path("requests").asInt()).as("requests of worker %s", w.path("index")).isEqualTo(expected);
    }
    assertThat(stream.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  private int workerWithCallInFlight() throws Exception {
    for (JsonNode w : NODE.calls().deployment("mix").path("workers")) {
      if (w.path("in_flight").asInt() == 1) {
        return w.path("index").asInt();
      }
    }
    throw new AssertionError("no worker holds the stream");
  }
}
