package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static io.byzerllm.server.NodeCalls.sseData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** worker_concurrency over HTTP: the upstream never sees more calls at once than the deployment's permits. */
class WorkerConcurrencyIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir static Path home;
  static FakeOpenAiServer poolUpstream;   // behind "pool": 2 workers x 3 permits
  static FakeOpenAiServer singleUpstream; // behind "single": 1 worker x 1 permit
  static Node node;
  static NodeCalls calls;

  @BeforeAll
  static void start() throws Exception {
    poolUpstream = FakeOpenAiServer.start();
    singleUpstream = FakeOpenAiServer.start();
    node = Node.start(NodeSettings.ephemeral(home));
    calls = new NodeCalls(node.httpUrl());
    calls.deploy(saasDeployment("pool", poolUpstream.baseUrl(), 2, 3, Map.of("worker.queue_size", "20")));
    calls.deploy(saasDeployment("single", singleUpstream.baseUrl(), 1, 1, Map.of()));
  }

  @AfterAll
  static void stop() {
    node.close();
    poolUpstream.close();
    singleUpstream.close();
  }

  @Test
  void chat_twentyConcurrentMixedRequests_upstreamNeverSeesMoreThanPermitsAndAllSucceed() throws Exception {
    poolUpstream.stallAll(true);
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        answers.add(calls.postAsync("/v1/chat/completions", chat("pool", "request number " + i, i % 2 == 0)));
      }

      // Saturated: every permit of both workers taken, the rest queued, nothing more upstream.
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(poolUpstream.inFlight()).isEqualTo(6);
        assertThat(calls.sumOverWorkers("pool", "queued")).isEqualTo(14);
      });
      assertThat(calls.sumOverWorkers("pool", "in_flight")).isEqualTo(6);
      assertThat(poolUpstream.maxInFlight()).isEqualTo(6);

      // Then free-running, streams holding their slot between slow chunks.
      poolUpstream.latency(Duration.ofMillis(30)).chunkDelay(Duration.ofMillis(10));
      poolUpstream.stallAll(false);
      poolUpstream.releaseStalled();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = answers.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(content(r)).isEqualTo("echo: request number " + i);
        if (i % 2 == 0) {
          assertThat(sseData(r.body())).last().isEqualTo("[DONE]");
        }
      }
      assertThat(poolUpstream.requestCount()).isEqualTo(20);
      assertThat(poolUpstream.maxInFlight()).isEqualTo(6);
    } finally {
      poolUpstream.stallAll(false);
      poolUpstream.releaseStalled();
      poolUpstream.latency(Duration.ZERO).chunkDelay(Duration.ZERO);
    }
  }

  @Test
  void stream_inProgress_holdsItsSlotSoTheNextRequestWaitsInTheQueue() throws Exception {
    singleUpstream.chunkDelay(Duration.ofMillis(200));
    int before = singleUpstream.requestCount();
    String twentyWords = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        + "sixteen seventeen eighteen nineteen twenty";
    try {
      HttpRequest.Builder streamRequest = calls.request("/v1/chat/completions").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(chat("single", twentyWords, true)));
      HttpResponse<Stream<String>> stream = calls.send(streamRequest, HttpResponse.BodyHandlers.ofLines());
      Iterator<String> lines = stream.body().iterator();
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(nextData(lines)).contains("\"role\":\"assistant\"");

      CompletableFuture<HttpResponse<String>> next = calls.postAsync("/v1/chat/completions", chat("single", "after it", false));

      await().atMost(WAIT).untilAsserted(() -> assertThat(calls.sumOverWorkers("single", "queued")).isEqualTo(1));
      assertThat(calls.sumOverWorkers("single", "in_flight")).isEqualTo(1);
      assertThat(singleUpstream.requestCount() - before).isEqualTo(1);
      assertThat(singleUpstream.inFlight()).isEqualTo(1);

      List<String> rest = new ArrayList<>();
      lines.forEachRemaining(l -> {
        if (l.startsWith("data: ")) {
          rest.add(l.substring("data: ".length()));
        }
      });
      assertThat(rest).last().isEqualTo("[DONE]");
      HttpResponse<String> after = next.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
      assertThat(content(after)).isEqualTo("echo: after it");
      assertThat(singleUpstream.requestCount() - before).isEqualTo(2);
      assertThat(singleUpstream.maxInFlight()).isEqualTo(1);
    } finally {
      singleUpstream.chunkDelay(Duration.ZERO);
    }
  }

  private static String nextData(Iterator<String> lines) {
    while (lines.hasNext()) {
      String l = lines.next();
      if (l.startsWith("data: ")) {
        return l.substring("data: ".length());
      }
    }
    throw new AssertionError("the stream ended before its first data event");
  }
}
