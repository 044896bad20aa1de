package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static io.byzerllm.server.NodeCalls.sseData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls through a node that cannot run a worker (it offers no CPUs) reach the worker on the other
 * node: the local path is impossible, so an answer proves the cross-node path.
 */
@Timeout(120)
class RemoteWorkerIT {
  @TempDir static Path homeA;
  @TempDir static Path homeB;
  static FakeOpenAiServer upstream;
  static Node workerNode;
  static Node edgeNode;
  static NodeCalls edge;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeOpenAiServer.start();
    workerNode = Node.start(NodeSettings.ephemeral(homeA).withResources(4, 0));
    edgeNode = Node.start(NodeSettings.ephemeral(homeB).withResources(0, 0).withJoin(List.of(workerNode.clusterAddress())));
    edge = new NodeCalls(edgeNode.httpUrl());
    edge.deploy(saasDeployment("far", upstream.baseUrl(), 1, 2, Map.of()));
    JsonNode workers = edge.deployment("far").path("workers");
    assertThat(workers).hasSize(1);
    assertThat(workers.get(0).path("node").asText()).isEqualTo(workerNode.clusterAddress());
  }

  @AfterAll
  static void stop() {
    try {
      edgeNode.close();
      workerNode.close();
    } finally {
      upstream.close();
    }
  }

  @Test
  void chat_throughANodeWithoutWorkers_isAnsweredByTheRemoteWorker() throws Exception {
    HttpResponse<String> r = await().atMost(Duration.ofSeconds(20)).until(
        () -> edge.post("/v1/chat/completions", chat("far", "across nodes", false)), x -> x.statusCode() == 200);

    assertThat(content(r)).isEqualTo("echo: across nodes");
    assertThat(edge.sumOverWorkers("far", "requests")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void stream_throughANodeWithoutWorkers_streamsFromTheRemoteWorkerToTheEnd() throws Exception {
    HttpResponse<String> r = await().atMost(Duration.ofSeconds(20)).until(
        () -> edge.post("/v1/chat/completions", chat("far", "streamed across nodes", true)), x -> x.statusCode() == 200);

    assertThat(content(r)).as(r.body()).isEqualTo("echo: streamed across nodes");
    assertThat(sseData(r.body())).last().isEqualTo("[DONE]");
    await().atMost(Duration.ofSeconds(10)).until(() -> edge.sumOverWorkers("far", "in_flight") == 0);
  }

  @Test
  void stream_openAiShapedThroughANodeWithoutWorkers_providersEventsCrossWithOurIdAndModel() throws Exception {
    String body = "{\"model\": \"far\", \"stream\": true, \"logprobs\": true, "
        + "\"messages\": [{\"role\": \"user\", \"content\": \"bytes across nodes\"}]}";
    HttpResponse<String> r = await().atMost(Duration.ofSeconds(20)).until(
        () -> edge.post("/v1/chat/completions", body), x -> x.statusCode() == 200);

    List<String> data = sseData(r.body());
    assertThat(data).last().isEqualTo("[DONE]");
    JsonNode second = NodeCalls.JSON.readTree(data.get(1));
    // logprobs reach the caller only when the provider's bytes do: the translating path drops them
    assertThat(second.at("/choices/0/logprobs/content/0/token").asText()).isEqualTo(" bytes");
    assertThat(second.path("id").asText()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
    assertThat(second.path("model").asText()).isEqualTo("far");
    assertThat(content(r)).isEqualTo("echo: bytes across nodes");
  }

  @Test
  void metrics_chatThroughANodeWithoutWorkers_requestOnThatNodeWorkerSeriesOnTheOther() throws Exception {
    Map<String, String> far = Map.of("model", "far");
    await().atMost(Duration.ofSeconds(20)).until(
        () -> edge.post("/v1/chat/completions", chat("far", "warm", false)), x -> x.statusCode() == 200);
    PrometheusText edgeBefore = scrape(edgeNode);
    PrometheusText workerBefore = scrape(workerNode);

    HttpResponse<String> r = edge.post("/v1/chat/completions", chat("far", "counted across nodes", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    PrometheusText edgeAfter = scrape(edgeNode);
    PrometheusText workerAfter = scrape(workerNode);
    Map<String, String> ok = Map.of("model", "far", "endpoint", "/v1/chat/completions", "status", "200");
    assertThat(edgeAfter.sum("llm_requests_total", ok) - edgeBefore.sum("llm_requests_total", ok)).isEqualTo(1);
    assertThat(edgeAfter.sum("llm_backend_duration_seconds_count", far)
        - edgeBefore.sum("llm_backend_duration_seconds_count", far)).isEqualTo(1);
    assertThat(workerAfter.sum("llm_worker_queue_wait_seconds_count", far)
        - workerBefore.sum("llm_worker_queue_wait_seconds_count", far)).isEqualTo(1);
    assertThat(workerAfter.sum("llm_requests_total", far)).isEqualTo(workerBefore.sum("llm_requests_total", far));
    assertThat(edgeAfter.has("llm_worker_in_flight", far)).isFalse();
    assertThat(workerAfter.has("llm_worker_in_flight", far)).isTrue();
  }

  private static PrometheusText scrape(Node node) throws Exception {
    HttpResponse<String> r = new NodeCalls(node.httpUrl()).get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return PrometheusText.parse(r.body());
  }

  @Test
  void chat_unknownModelThroughEitherNode_is404ListingTheDeployedOnes() throws Exception {
    HttpResponse<String> r = edge.post("/v1/chat/completions", chat("nope", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
    assertThat(r.body()).contains("model 'nope' is not deployed", "far");
  }
}
