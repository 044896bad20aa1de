package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * No thread per request: continuations of the request path run on the node's pools. (On 2 cores
 * the CompletableFuture async pool is a new thread per task unless the common pool is a pool,
 * which Node.JVM_OPTIONS sees to, as the build's test JVMs have them.)
 */
@Timeout(120)
class ThreadsPerRequestIT {
  @RegisterExtension static final SaasNode NODE = SaasNode.deploying("t", 1, 16);

  @Test
  void chats_manyRequestsThroughTheNode_startFarFewerThreadsThanRequests() throws Exception {
    warmUp();
    long before = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();

    int requests = 300;
    for (int round = 0; round < requests / 10; round++) {
      List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        batch.add(NODE.calls().postAsync("/v1/chat/completions", chat("t", "hi " + i, round % 2 == 0)));
      }
      for (CompletableFuture<HttpResponse<String>> f : batch) {
        assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
    }

    long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before;
    assertThat(started).as("threads started for %d requests", requests).isLessThan(requests / 10);
  }

  private static void warmUp() throws Exception {
    for (int i = 0; i < 30; i++) {
      NODE.calls().post("/v1/chat/completions", chat("t", "warm " + i, i % 2 == 0));
    }
  }
}
