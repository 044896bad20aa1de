package io.byzerllm.server;

import io.byzerllm.testkit.FakeOpenAiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A node in this JVM in front of a local OpenAI-compatible upstream, with one {@code saas/openai}
 * deployment on it: started before a class's tests and stopped after them.
 * {@code @RegisterExtension static final SaasNode NODE = SaasNode.deploying("chat", 1, 2);}
 */
final class SaasNode implements BeforeAllCallback, AfterAllCallback {
  private final String model;
  private final int workers;
  private final int concurrency;
  private final Map<String, String> inferParams = new HashMap<>();
  private final Map<String, String> config = new HashMap<>();
  private java.util.function.Consumer<FakeOpenAiServer> upstreamSetUp = u -> {};
  private String apiKey;
  private Path home;
  private FakeOpenAiServer upstream;
  private Node node;
  private NodeCalls calls;

  private SaasNode(String model, int workers, int concurrency) {
    this.model = model;
    this.workers = workers;
    this.concurrency = concurrency;
  }

  static SaasNode deploying(String model, int workers, int concurrency) {
    return new SaasNode(model, workers, concurrency);
  }

  /** An infer param of the deployment. */
  SaasNode param(String key, String value) {
    inferParams.put(key, value);
    return this;
  }

  /** How the upstream behaves from the start, e.g. {@code u -> u.embeddingDimension(6)}. */
  SaasNode upstream(java.util.function.Consumer<FakeOpenAiServer> setUp) {
    this.upstreamSetUp = setUp;
    return this;
  }

  /** A setting over the node's reference.conf, e.g. {@code byzerllm.worker.queue-timeout}. */
  SaasNode config(String path, String value) {
    config.put(path, value);
    return this;
  }

  /** The node's --api_key (its bootstrap admin key); {@link #calls()} sends it. */
  SaasNode apiKey(String key) {
    this.apiKey = key;
    return this;
  }

  FakeOpenAiServer upstream() {
    return upstream;
  }

  Node node() {
    return node;
  }

  NodeCalls calls() {
    return calls;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    home = Files.createTempDirectory("llm-it");
    upstream = FakeOpenAiServer.start();
    upstreamSetUp.accept(upstream);
    NodeSettings settings = NodeSettings.ephemeral(home);
    for (Map.Entry<String, String> c : config.entrySet()) {
      settings = settings.withConfig(c.getKey(), c.getValue());
    }
    if (apiKey != null) {
      settings = settings.withApiKey(apiKey);
    }
    node = Node.start(settings);
    calls = apiKey == null ? new NodeCalls(node.httpUrl()) : new NodeCalls(node.httpUrl()).withBearer(apiKey);
    calls.deploy(NodeCalls.saasDeployment(model, upstream.baseUrl(), workers, concurrency, inferParams));
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      if (upstream != null) {
        upstream.close();
      }
      TwoNodes.deleteTree(home);
    }
  }
}
