package io.byzerllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.lite.ModelRegistry;
import io.byzerllm.lite.RegisteredModel;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's examples with no cluster: the client is byzerllm's {@code get_single_llm("chat,emb",
 * "lite")} over a registry in a temporary {@code $LLM_HOME}, its models running in this JVM against
 * the scripted loopback upstream.
 */
class ExamplesLiteIT extends ExamplesContract {
  @TempDir static Path llmHome;

  @BeforeAll
  static void start() {
    fake = FakeOpenAiServer.start();
    ModelRegistry registry = ModelRegistry.at(llmHome);
    registry.add(new RegisteredModel("chat", "fake-model", "saas/openai", fake.baseUrl(), "fake.key", false, null),
        "sk-examples");
    registry.add(new RegisteredModel("emb", "text-embedding-3-small", "saas/openai", fake.baseUrl(), "fake.key",
        false, null), null);
    client = registry.getSingleLlm("chat,emb");
  }

  @AfterAll
  static void stop() {
    try {
      client.close();
    } finally {
      fake.close();
    }
  }

  @Test
  void deployModel_liteModeWithNothingRegistered_deploysInItsOwnJvm(@TempDir Path emptyHome) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExampleArgs args = ExampleArgs.parse(new String[] {"--product_mode", "lite", "--llm_home", emptyHome.toString(),
        "--api_key", "sk-x", "--base_url", fake.baseUrl()}, "deepseek_chat");
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8); ByzerLLM own = args.client()) {
      DeployModel.run(args, out);
      HelloWorld.run(args, out);

      assertThat(own.url()).isEqualTo("in-process");
    }

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("Model deepseek_chat deployed successfully\necho: 你好, 你是谁\n");
  }

  @Test
  void client_runsTheModelsInProcess_upstreamSeesTheRegisteredKey() {
    run(HelloWorld::run);

    assertThat(client.url()).isEqualTo("in-process");
    assertThat(client.listDeployments()).extracting(d -> d.model()).contains("chat", "emb");
    assertThat(client.listDeployments()).allSatisfy(d -> assertThat(d.workers()).allSatisfy(
        w -> assertThat(w.node()).isEqualTo("in-process")));
    assertThat(fake.requests().get(0).header("Authorization")).isEqualTo("Bearer sk-examples");
  }
}
