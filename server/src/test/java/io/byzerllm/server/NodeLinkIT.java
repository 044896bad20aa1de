package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calls and streams to a worker on another node go over the node link (plain TCP between the nodes).
 * The edge node offers no CPUs, so every call crosses to the worker's node.
 */
@Timeout(120)
class NodeLinkIT {
  @RegisterExtension static final TwoNodes NODES = TwoNodes.start().workersOnAOnly();
  static NodeCalls edge;
  static NodeCalls worker;

  @BeforeAll
  static void deploy() throws Exception {
    edge = NODES.callsB();
    worker = NODES.callsA();
    edge.deploy(saasDeployment("far", NODES.upstream().baseUrl(), 1, 2, Map.of()));
    await().atMost(Duration.ofSeconds(20)).until(
        () -> edge.post("/v1/chat/completions", chat("far", "warm", false)).statusCode() == 200);
  }

  private static double remoteCalls(String path) throws Exception {
    return PrometheusText.parse(edge.get("/metrics").body()).sum("llm_remote_calls_total", Map.of("path", path));
  }

  @Test
  void chat_throughANodeWithoutWorkers_crossesOverTheLink() throws Exception {
    double linkBefore = remoteCalls("link");
    double messagesBefore = remoteCalls("messages");

    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = edge.post("/v1/chat/completions", chat("far", "over the link " + i, false));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(content(r)).isEqualTo("echo: over the link " + i);
    }

    assertThat(remoteCalls("link") - linkBefore).isEqualTo(5);
    assertThat(remoteCalls("messages") - messagesBefore).isZero();
  }

  @Test
  void chat_sixteenCallersAtOnceThroughTheLink_everyCallAnsweredItsOwnAnswer() throws Exception {
    double linkBefore = remoteCalls("link");
    java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 160; i++) {
        String text = "caller " + i;
        answers.add(callers.submit(() -> {
          HttpResponse<String> r = edge.post("/v1/chat/completions", chat("far", text, false));
          return r.statusCode() == 200 ? content(r) : r.statusCode() + " " + r.body();
        }));
      }
      for (int i = 0; i < answers.size(); i++) {
        // two slots on the worker: most of these wait in its queue, news of which crosses the link too
        assertThat(answers.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("echo: caller " + i);
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(remoteCalls("link") - linkBefore).isEqualTo(160);
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.sumOverWorkers("far", "in_flight") == 0);
  }

  @Test
  void stream_throughANodeWithoutWorkers_itsEventsCrossOverTheLink() throws Exception {
    double linkBefore = remoteCalls("link");
    double messagesBefore = remoteCalls("messages");

    HttpResponse<String> r = edge.post("/v1/chat/completions", chat("far", "streamed over the link", true));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: streamed over the link");
    assertThat(NodeCalls.sseData(r.body())).last().isEqualTo("[DONE]");
    assertThat(remoteCalls("link") - linkBefore).isEqualTo(1);
    assertThat(remoteCalls("messages") - messagesBefore).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.sumOverWorkers("far", "in_flight") == 0);
  }

  @Test
  void stream_callerLeavesMidwayOnTheOtherNode_upstreamStoppedBeforeItsLastChunk() throws Exception {
    // 100 pieces, 200 ms apart: the whole answer would take 20 s
    NODES.upstream().chunkDelay(Duration.ofMillis(200)).reply("word ".repeat(100).trim());
    try {
      int answeredBefore = NODES.upstream().answeredToTheEnd();
      long start = System.nanoTime();
      java.net.Socket socket = edge.openStreamToFirstEvent(
          "{\"model\": \"far\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"a long slow answer\"}]}");
      socket.close(); // the caller leaves, mid-stream

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(NODES.upstream().inFlight()).as("upstream calls in flight").isZero();
        assertThat(worker.sumOverWorkers("far", "in_flight")).as("worker calls in flight").isZero();
      });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the upstream ended early").isLessThan(Duration.ofSeconds(15));
      assertThat(NODES.upstream().answeredToTheEnd()).as("the stream's last chunk was never sent").isEqualTo(answeredBefore);
    } finally {
      NODES.upstream().chunkDelay(Duration.ZERO);
    }
  }

  @Test
  void stream_firstTokenAfterSevenSecondsOnAnotherNode_streamsToTheEnd() throws Exception {
    NODES.upstream().latency(Duration.ofSeconds(7));
    try {
      HttpResponse<String> r = edge.post("/v1/chat/completions", chat("far", "think long across nodes", true));

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(content(r)).isEqualTo("echo: think long across nodes");
      assertThat(NodeCalls.sseData(r.body())).last().isEqualTo("[DONE]");
    } finally {
      NODES.upstream().latency(Duration.ZERO);
    }
  }

  @Test
  void chat_callerGoesAway_theWorkersNodeCancelsTheCall() throws Exception {
    NODES.upstream().latency(Duration.ofSeconds(20));
    try {
      String body = "{\"model\": \"far\", \"messages\": [{\"role\": \"user\", \"content\": \"never mind\"}]}";
      URI uri = URI.create(NODES.b().httpUrl());
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: " + uri.getHost()
            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> NODES.upstream().inFlight() == 1 && worker.sumOverWorkers("far", "in_flight") == 1);
      }
      long closedAt = System.nanoTime();

      // The upstream answers 20 s after the call: a slot freed well before was given back because the
      // caller on the other node went away.
      await().atMost(Duration.ofSeconds(8)).until(() -> worker.sumOverWorkers("far", "in_flight") == 0);
      assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(8));
    } finally {
      NODES.upstream().latency(Duration.ZERO);
    }
  }

  @Test
  void clusterListing_showsEachNodesLinkAddress() throws Exception {
    com.fasterxml.jackson.databind.JsonNode nodes = NodeCalls.json(edge.get("/api/cluster")).path("nodes");

    assertThat(nodes).hasSize(2);
    for (com.fasterxml.jackson.databind.JsonNode n : nodes) {
      Node node = n.path("address").asText().equals(NODES.a().clusterAddress()) ? NODES.a() : NODES.b();
      assertThat(n.path("link").asText()).isEqualTo("127.0.0.1:" + node.linkPort());
    }
  }

  @Test
  void link_connectionFromAnAddressNoMemberHas_isClosedUnanswered() throws Exception {
    try (Socket stranger = new Socket()) {
      stranger.bind(new InetSocketAddress("127.0.0.2", 0)); // loopback too, but no member's address
      stranger.connect(new InetSocketAddress("127.0.0.1", NODES.a().linkPort()), 5_000);
      stranger.setSoTimeout(10_000);
      OutputStream out = stranger.getOutputStream();
      out.write(new byte[] {0, 0, 0, 2, (byte) 0xa0, 0});
      out.flush();

      assertThat(readOrEnd(stranger.getInputStream())).as("the connection ends without a byte").isEqualTo(-1);
    }
  }

  @Test
  void link_garbageFromAMember_endsThatConnectionAndTheNodeServesOn() throws Exception {
    try (Socket garbage = new Socket("127.0.0.1", NODES.a().linkPort())) {
      garbage.setSoTimeout(10_000);
      garbage.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      garbage.getOutputStream().flush();

      assertThat(readOrEnd(garbage.getInputStream())).isEqualTo(-1);
    }
    HttpResponse<String> r = edge.post("/v1/chat/completions", chat("far", "still here", false));
    assertThat(content(r)).isEqualTo("echo: still here");
  }

  private static int readOrEnd(InputStream in) throws Exception {
    try {
      return in.read();
    } catch (SocketTimeoutException e) {
      return -2; // still open: not what a refused connection does
    } catch (java.net.SocketException reset) {
      return -1;
    }
  }
}
