package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * A reasoning model or a busy provider may take longer than Pekko's 5 s stream subscription
 * timeout before its first token: the stream must still reach its end.
 */
@Timeout(90)
class SlowFirstTokenIT {
  @RegisterExtension static final SaasNode NODE = SaasNode.deploying("slow", 1, 2);

  @Test
  void stream_firstTokenAfterSevenSeconds_streamsToTheEnd() throws Exception {
    NODE.upstream().latency(Duration.ofSeconds(7));
    long start = System.nanoTime();

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("slow", "think long before answering", true));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(7));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: think long before answering");
    assertThat(sseData(r.body())).last().isEqualTo("[DONE]");
    assertThat(r.body()).doesNotContain("broke off");
  }
}
