package io.byzerllm.server;

import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.FakeUpstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A node in this JVM in front of a local upstream that speaks a provider's wire format, with one
 * deployment of that provider's type on it: started before a class's tests and stopped after them.
 * {@code @RegisterExtension static final SaasNode NODE = SaasNode.deploying("chat", 1, 2);} (saas/openai),
 * {@code SaasNode.provider("claude", "saas/claude", FakeClaudeServer::start)}.
 */
final class SaasNode implements BeforeAllCallback, AfterAllCallback {
  private final String model;
  private final String type;
  private final Supplier<FakeUpstream<?>> fakeStarter;
  private final int workers;
  private final int concurrency;
  private final Map<String, String> inferParams = new HashMap<>();
  private final Map<String, String> config = new HashMap<>();
  private java.util.function.Consumer<FakeOpenAiServer> upstreamSetUp = u -> {};
  private Path home;
  private FakeUpstream<?> upstream;
  private Node node;
  private NodeCalls calls;

  private SaasNode(String model, String type, Supplier<FakeUpstream<?>> fakeStarter, int workers, int concurrency) {
    this.model = model;
    this.type = type;
    this.fakeStarter = fakeStarter;
    this.workers = workers;
    this.concurrency = concurrency;
  }

  static SaasNode deploying(String model, int workers, int concurrency) {
    return new SaasNode(model, "saas/openai", FakeOpenAiServer::start, workers, concurrency);
  }

  /** One worker of {@code type} (e.g. {@code saas/claude}) in front of that provider's fake. */
  static SaasNode provider(String model, String type, Supplier<FakeUpstream<?>> fakeStarter) {
    return new SaasNode(model, type, fakeStarter, 1, 4);
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

  /** The OpenAI-compatible upstream of a {@link #deploying} node. */
  FakeOpenAiServer upstream() {
    return (FakeOpenAiServer) upstream;
  }

  /** The provider's fake of a {@link #provider} node. */
  <F extends FakeUpstream<F>> F fake(Class<F> kind) {
    return kind.cast(upstream);
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
    upstream = fakeStarter.get();
    if (upstream instanceof FakeOpenAiServer openAi) {
      upstreamSetUp.accept(openAi);
    }
    NodeSettings settings = NodeSettings.ephemeral(home);
    for (Map.Entry<String, String> c : config.entrySet()) {
      settings = settings.withConfig(c.getKey(), c.getValue());
    }
    node = Node.start(settings);
    calls = new NodeCalls(node.httpUrl());
    calls.deploy(NodeCalls.saasDeployment(model, type, upstream.baseUrl(), workers, concurrency, inferParams));
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
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
