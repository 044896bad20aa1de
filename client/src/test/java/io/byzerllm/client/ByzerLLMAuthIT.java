package io.byzerllm.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node started with an API key answers only clients that send it. */
class ByzerLLMAuthIT {
  static final String NODE_KEY = "sk-test-node-key-abcdef";

  @Test
  void anyApiCall_nodeHasKey_refusedWithoutItAndServedWithIt(@TempDir Path home) {
    Node started;
    try (Node node = Node.start(NodeSettings.ephemeral(home).withApiKey(NODE_KEY))) {
      started = node;
      ByzerLLM anonymous = ByzerLLM.connect(node.httpUrl()).withApiKey(null);
      ByzerLLM wrong = anonymous.withApiKey("sk-test-wrong-key-999999");
      ByzerLLM keyed = anonymous.withApiKey(NODE_KEY);

      LlmClientException refused = catchThrowableOfType(LlmClientException.class, anonymous::listDeployments);
      LlmClientException wrongKey = catchThrowableOfType(LlmClientException.class, wrong::listDeployments);

      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(wrongKey.getMessage()).doesNotContain("sk-test-wrong-key-999999");
      assertThat(anonymous.health()).isTrue();
      assertThat(keyed.listDeployments()).isEmpty();
    }
    assertThat(started.whenTerminated().toCompletableFuture()).succeedsWithin(Duration.ofSeconds(30));
  }
}
