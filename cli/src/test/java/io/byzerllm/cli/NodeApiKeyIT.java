package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands against a node that has an API key: refused without it, served with --api_key or LLM_API_KEY. */
class NodeApiKeyIT {
  static final String NODE_KEY = "sk-test-cli-node-key-42424242";

  @Test
  void stat_nodeWithKey_refusedWithoutKeyServedWithFlagOrEnv(@TempDir Path home) {
    Node started;
    try (Node node = Node.start(NodeSettings.ephemeral(home).withApiKey(NODE_KEY))) {
      started = node;
      Map<String, String> env = Map.of("LLM_HOME", home.toString(), "LLM_ADDRESS", node.httpUrl());
      Map<String, String> envWithKey = Map.of("LLM_HOME", home.toString(), "LLM_ADDRESS", node.httpUrl(),
          "LLM_API_KEY", NODE_KEY);

      CliRun refused = CliRun.llm(env, "stat");
      CliRun wrong = CliRun.llm(env, "stat", "--api_key", "sk-test-not-the-key-1234567");
      CliRun byFlag = CliRun.llm(env, "stat", "--api_key", NODE_KEY);
      CliRun byEnv = CliRun.llm(envWithKey, "models");

      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).startsWith("error: ");
      assertThat(wrong.exitCode()).isEqualTo(1);
      assertThat(wrong.err()).doesNotContain("sk-test-not-the-key-1234567");
      assertThat(byFlag.exitCode()).as(byFlag.err()).isZero();
      assertThat(byFlag.out()).contains("no models deployed");
      assertThat(byEnv.exitCode()).as(byEnv.err()).isZero();
      assertThat(refused.all() + wrong.all() + byFlag.all() + byEnv.all()).doesNotContain(NODE_KEY);
    }
    assertThat(started.whenTerminated().toCompletableFuture()).succeedsWithin(Duration.ofSeconds(30));
  }
}
