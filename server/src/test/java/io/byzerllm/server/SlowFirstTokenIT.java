package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.saasDeployment;
import static io.byzerllm.server.NodeCalls.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.testkit.FakeOpenAiServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reasoning model or a busy provider may take longer than Pekko's 5 s stream subscription
 * timeout before its first token: the stream must still reach its end.
 */
@Timeout(90)
class SlowFirstTokenIT {
  @TempDir static Path home;
  static FakeOpenAiServer upstream;
  static Node node;
  static NodeCalls calls;

  @BeforeAll
  static void start() throws Exception {
    upstream = FakeOpenAiServer.start();
    node = Node.start(NodeSettings.ephemeral(home));
    calls = new NodeCalls(node.httpUrl());
    calls.deploy(saasDeployment("slow", upstream.baseUrl(), 1, 2, Map.of()));
  }

  @AfterAll
  static void stop() {
    node.close();
    upstream.close();
  }

  @Test
  void stream_firstTokenAfterSevenSeconds_streamsToTheEnd() throws Exception {
    upstream.latency(Duration.ofSeconds(7));
    long start = System.nanoTime();

    HttpResponse<String> r = calls.post("/v1/chat/completions", chat("slow", "think long before answering", true));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(7));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: think long before answering");
    assertThat(sseData(r.body())).last().isEqualTo("[DONE]");
    assertThat(r.body()).doesNotContain("broke off");
  }
}
