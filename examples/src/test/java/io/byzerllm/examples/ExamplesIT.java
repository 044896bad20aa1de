package io.byzerllm.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.lite.ModelRegistry;
import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guide's examples against a real node whose models answer from a scripted loopback upstream. */
class ExamplesIT extends ExamplesContract {
  @TempDir static Path home;
  static Node node;

  @BeforeAll
  static void start() {
    fake = FakeOpenAiServer.start();
    node = Node.start(NodeSettings.ephemeral(home));
    client = ByzerLLM.connect(node.httpUrl()).withApiKey(null);
    client.deploy(saas("chat", "fake-model"));
    client.deploy(saas("emb", "text-embedding-3-small"));
  }

  @AfterAll
  static void stop() {
    try {
      node.close();
    } finally {
      fake.close();
    }
  }

  static ModelSpec saas(String name, String upstreamModel) {
    return ModelSpec.of(name, ModelType.SAAS_OPENAI, Map.of("saas.base_url", fake.baseUrl(),
        "saas.api_key", "sk-examples", "saas.model", upstreamModel));
  }

  @Test
  void getSingleLlmPro_deployedNames_nodeClientWithTheFirstAsDefault_unknownNameRefused() {
    ByzerLLM pro = ModelRegistry.onNode("chat,emb", node.httpUrl());

    assertThat(pro.url()).isEqualTo(node.httpUrl());
    assertThat(pro.defaultModel()).isEqualTo("chat");
    assertThat(pro.chatOai(java.util.List.of(io.byzerllm.client.Message.user("pro"))).get(0).output())
        .isEqualTo("echo: pro");
    assertThatThrownBy(() -> ModelRegistry.onNode("chat,nope", node.httpUrl()))
        .hasMessageContaining("'nope' is not deployed on the node at " + node.httpUrl());
  }

  @Test
  void client_reachesTheModelsThroughTheNode() {
    assertThat(client.url()).isEqualTo(node.httpUrl());
    assertThat(client.listDeployments()).allSatisfy(d -> assertThat(d.workers()).isNotEmpty()
        .allSatisfy(w -> assertThat(w.node()).isNotEqualTo("in-process")));
  }
}
