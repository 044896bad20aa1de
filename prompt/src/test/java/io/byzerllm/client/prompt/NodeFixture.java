package io.byzerllm.client.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.client.ByzerLLM;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.RecordedRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A real node with one saas/openai model, "chat", whose upstream is a scripted loopback fake. One per test class. */
public final class NodeFixture implements AutoCloseable {
  public final FakeOpenAiServer fake;
  public final Node node;
  public final ByzerLLM llm;

  private NodeFixture(FakeOpenAiServer fake, Node node, ByzerLLM llm) {
    this.fake = fake;
    this.node = node;
    this.llm = llm;
  }

  public static NodeFixture start(Path home) {
    FakeOpenAiServer fake = FakeOpenAiServer.start();
    Node node = null;
    try {
      node = Node.start(NodeSettings.ephemeral(home));
      ByzerLLM llm = ByzerLLM.connect(node.httpUrl()).withApiKey(null);
      llm.deploy(ModelSpec.of("chat", ModelType.SAAS_OPENAI, Map.of("saas.base_url", fake.baseUrl(),
          "saas.api_key", "sk-prompt-test", "saas.model", "fake-model")));
      return new NodeFixture(fake, node, llm.withDefaultModel("chat"));
    } catch (RuntimeException e) {
      if (node != null) {
        node.close();
      }
      fake.close();
      throw e;
    }
  }

  /** The chat completion requests the upstream received since the last {@link #clear()}, oldest first. */
  public List<JsonNode> chats() {
    return fake.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).map(RecordedRequest::json)
        .toList();
  }

  /** The last chat request's last message content as text. */
  public String lastPrompt() {
    List<JsonNode> chats = chats();
    JsonNode messages = chats.get(chats.size() - 1).path("messages");
    return messages.get(messages.size() - 1).path("content").asText();
  }

  public void clear() {
    fake.clearRequests();
  }

  @Override
  public void close() {
    try {
      node.close();
    } finally {
      fake.close();
    }
  }
}
