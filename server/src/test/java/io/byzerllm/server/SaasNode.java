package io.byzerllm.server;

import io.byzerllm.testkit.FakeOpenAiServer;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A node in this JVM in front of a local OpenAI-compatible upstream, with one {@code saas/openai}
 * deployment on it: started before a class's tests and stopped after them ({@link ProviderNode}
 * for other providers).
 * {@code @RegisterExtension static final SaasNode NODE = SaasNode.deploying("chat", 1, 2);}
 */
final class SaasNode implements BeforeAllCallback, AfterAllCallback {
  private final Map<String, String> inferParams = new HashMap<>();
  private final ProviderNode<FakeOpenAiServer> node;

  private SaasNode(String model, int workers, int concurrency) {
    node = ProviderNode.of(FakeOpenAiServer::start)
        .deploying(u -> NodeCalls.saasDeployment(model, u.baseUrl(), workers, concurrency, inferParams));
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
    node.upstream(setUp);
    return this;
  }

  /** A setting over the node's reference.conf, e.g. {@code byzerllm.worker.queue-timeout}. */
  SaasNode config(String path, String value) {
    node.config(path, value);
    return this;
  }

  /** The node's {@code --api_key}; {@link #calls} then send it. */
  SaasNode apiKey(String key) {
    node.apiKey(key);
    return this;
  }

  /** The node's {@code $LLM_HOME}. */
  java.nio.file.Path home() {
    return node.home();
  }

  FakeOpenAiServer upstream() {
    return node.upstream();
  }

  Node node() {
    return node.node();
  }

  NodeCalls calls() {
    return node.calls();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    node.beforeAll(context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    node.afterAll(context);
  }
}
