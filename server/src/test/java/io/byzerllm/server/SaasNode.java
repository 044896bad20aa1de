package io.byzerllm.server;

import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.FakeUpstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A node in this JVM in front of a local OpenAI-compatible upstream, with one {@code saas/openai}
 * deployment on it: started before a class's tests and stopped after them.
 * {@code @RegisterExtension static final SaasNode NODE = SaasNode.deploying("chat", 1, 2);}
 * Another provider's type and fake: {@code .speaking("saas/azure", FakeAzureSpeechServer::start)}.
 */
final class SaasNode implements BeforeAllCallback, AfterAllCallback {
  private final String model;
  private final int workers;
  private final int concurrency;
  private final Map<String, String> inferParams = new HashMap<>();
  private final Map<String, String> config = new HashMap<>();
  private java.util.function.Consumer<FakeOpenAiServer> upstreamSetUp = u -> {};
  private String type = "saas/openai";
  private java.util.function.Supplier<? extends FakeUpstream<?>> fake = FakeOpenAiServer::start;
  private Path home;
  private FakeUpstream<?> upstream;
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

  /** The deployment's model type and the fake of its provider (null: a type that sends nothing, no fake). */
  SaasNode speaking(String modelType, java.util.function.Supplier<? extends FakeUpstream<?>> providerFake) {
    this.type = modelType;
    this.fake = providerFake;
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

  FakeOpenAiServer upstream() {
    return upstream(FakeOpenAiServer.class);
  }

  /** The provider's fake, as the class it is. */
  <U extends FakeUpstream<?>> U upstream(Class<U> fakeClass) {
    return fakeClass.cast(upstream);
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
    upstream = fake == null ? null : fake.get();
    if (upstream instanceof FakeOpenAiServer openAi) {
      upstreamSetUp.accept(openAi);
    }
    NodeSettings settings = NodeSettings.ephemeral(home);
    for (Map.Entry<String, String> c : config.entrySet()) {
      settings = settings.withConfig(c.getKey(), c.getValue());
    }
    node = Node.start(settings);
    calls = new NodeCalls(node.httpUrl());
    calls.deploy(NodeCalls.saasDeployment(model, type, upstream == null ? null : upstream.baseUrl(), workers, concurrency,
        inferParams));
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
