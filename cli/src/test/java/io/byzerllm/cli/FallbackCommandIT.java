package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm deploy --fallback} and what {@code llm stat} shows of fallbacks and an open breaker. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FallbackCommandIT {
  @TempDir static Path home;
  static FakeOpenAiServer primary;
  static FakeOpenAiServer backup;
  static Node node;
  static Map<String, String> env;

  @BeforeAll
  static void start() {
    primary = FakeOpenAiServer.start();
    backup = FakeOpenAiServer.start();
    // One upstream failure opens a breaker; a long cooldown keeps it open while the test reads it.
    node = Node.start(NodeSettings.ephemeral(home).withConfig("byzerllm.worker.breaker.failures", "1")
        .withConfig("byzerllm.worker.breaker.cooldown", "10m"));
    env = Map.of("LLM_HOME", home.toString(), "LLM_ADDRESS", node.httpUrl());
  }

  @AfterAll
  static void stop() {
    try {
      node.close();
    } finally {
      primary.close();
      backup.close();
    }
  }

  @Test
  void deployWithFallback_primaryFails_queryAnsweredAndStatShowsFallbackAndOpenBreaker() {
    CliRun.ok(env, "deploy", "--model", "backup", "--infer_params", "saas.base_url=" + backup.baseUrl(),
        "saas.model=backup-model");
    CliRun deployed = CliRun.ok(env, "deploy", "--model", "primary", "--fallback", "backup", "--infer_params",
        "saas.base_url=" + primary.baseUrl(), "saas.model=primary-model", "saas.max_retries=0");
    primary.failNext(500, "primary down");

    CliRun answered = CliRun.ok(env, "query", "--model", "primary", "--query", "still there?");
    CliRun stat = CliRun.ok(env, "stat");

    assertThat(deployed.out()).contains("fallbacks: [backup]");
    assertThat(answered.out()).contains("echo: still there?");
    assertThat(backup.requests()).hasSize(1);
    assertThat(stat.out()).contains("fallbacks backup").contains("ready, breaker open");
  }
}
