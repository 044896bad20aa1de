package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A worker's node with its link turned off is still called from other nodes, as the cluster's messages. */
@Timeout(120)
class NodeLinkOffIT {
  @RegisterExtension static final TwoNodes NODES = TwoNodes.start().workersOnAOnly().configA("byzerllm.server.link.enabled", "false");

  @Test
  void chat_toANodeWithoutALink_crossesAsMessages() throws Exception {
    assertThat(NODES.a().linkPort()).isEqualTo(-1);
    assertThat(NodeCalls.json(NODES.callsB().get("/api/cluster")).findValues("link").stream()
        .filter(l -> l.isNull()).count()).as("one node shows no link").isEqualTo(1);

    NodeCalls edge = NODES.callsB();
    edge.deploy(saasDeployment("far", NODES.upstream().baseUrl(), 1, 2, Map.of()));
    HttpResponse<String> r = await().atMost(Duration.ofSeconds(20)).until(
        () -> edge.post("/v1/chat/completions", chat("far", "no link here", false)), x -> x.statusCode() == 200);

    assertThat(content(r)).isEqualTo("echo: no link here");
    PrometheusText metrics = PrometheusText.parse(edge.get("/metrics").body());
    assertThat(metrics.sum("llm_remote_calls_total", Map.of("path", "messages"))).isGreaterThanOrEqualTo(1);
    assertThat(metrics.sum("llm_remote_calls_total", Map.of("path", "link"))).isZero();
  }
}
