package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A caller that goes away, mid-stream or while waiting for a whole answer, frees its worker slot and stops the upstream call. */
@org.junit.jupiter.api.Timeout(90)
class StreamCancelIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path home;
  static FakeOpenAiServer upstream;
  static Node node;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeOpenAiServer.start();
    upstream.chunkDelay(Duration.ofMillis(200));
    node = Node.start(NodeSettings.ephemeral(home));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/deployments"))
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"model": "s", "worker_concurrency": 1,
             "infer_params": {"saas.api_key": "sk-stream-cancel-000", "saas.base_url": "%s"}}""".formatted(upstream.baseUrl())))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    node.close();
    upstream.close();
  }

  @Test
  void stream_callerDisconnectsMidway_slotFreedAndUpstreamStoppedBeforeItsLastChunk() throws Exception {
    // OpenAI's own shape: the provider's events pass through as bytes
    disconnectMidway("{\"model\": \"s\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"a long slow answer please\"}]}");
  }

  @Test
  void stream_translatedCallerDisconnectsMidway_slotFreedAndUpstreamStoppedBeforeItsLastChunk() throws Exception {
    // a byzerllm option (max_length): the stream is translated event by event
    disconnectMidway("{\"model\": \"s\", \"stream\": true, \"max_length\": 500, "
        + "\"messages\": [{\"role\": \"user\", \"content\": \"a long slow answer please\"}]}");
  }

  private void disconnectMidway(String body) throws Exception {
    // 100 pieces, 200 ms apart: the whole answer would take 20 s
    upstream.reply("word ".repeat(100).trim());
    int answeredBefore = upstream.answeredToTheEnd();
    long start = System.nanoTime();
    Socket socket = new NodeCalls(node.httpUrl()).openStreamToFirstEvent(body);
    socket.close(); // the caller leaves, mid-stream

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(upstream.inFlight()).as("upstream calls in flight").isZero();
      String d = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/deployments/s")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(JSON.readTree(d).at("/workers/0/in_flight").asInt()).as("worker calls in flight").isZero();
    });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the upstream ended early").isLessThan(Duration.ofSeconds(15));
    assertThat(upstream.answeredToTheEnd()).as("the stream's last chunk was never sent").isEqualTo(answeredBefore);
    HttpResponse<String> next = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(
            "{\"model\": \"s\", \"messages\": [{\"role\": \"user\", \"content\": \"next\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
  }

  @Test
  void chat_callerDisconnectsBeforeTheAnswer_slotFreedLongBeforeTheUpstreamWouldAnswer() throws Exception {
    upstream.latency(Duration.ofSeconds(20));
    try {
      String body = "{\"model\": \"s\", \"messages\": [{\"role\": \"user\", \"content\": \"never mind\"}]}";
      URI uri = URI.create(node.httpUrl());
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: " + uri.getHost()
            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.inFlight() == 1 && workerInFlight() == 1);
      }
      long closedAt = System.nanoTime();

      // The upstream would answer only 20 s after the call: a slot freed well before that was given back
      // because the caller went away.
      await().atMost(Duration.ofSeconds(8)).until(() -> workerInFlight() == 0);
      assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(8));
    } finally {
      upstream.latency(Duration.ZERO);
    }
  }

  private static int workerInFlight() throws Exception {
    String d = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/deployments/s"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    return JSON.readTree(d).at("/workers/0/in_flight").asInt();
  }
}
