package io.byzerllm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.testkit.FakeUpstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A node in this JVM in front of one provider's local fake, with deployments on it that reach the
 * fake: started before a class's tests and stopped after them. Each test starts with the fake's
 * record of requests empty.
 * <pre>{@code
 * @RegisterExtension static final ProviderNode<FakeZhipuServer> NODE = ProviderNode.of(FakeZhipuServer::start)
 *     .deploying(u -> NodeCalls.deployment("glm", "saas/zhipu", 1, 2, Map.of("saas.base_url", u.baseUrl())));
 * }</pre>
 *
 * @param <U> the provider's fake
 */
final class ProviderNode<U extends FakeUpstream<U>> implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private final Supplier<U> start;
  private final List<Function<U, String>> deployments = new ArrayList<>();
  private final Map<String, String> config = new HashMap<>();
  private java.util.function.Consumer<U> upstreamSetUp = u -> {};
  private String apiKey;
  private Path home;
  private U upstream;
  private Node node;
  private NodeCalls calls;

  private ProviderNode(Supplier<U> start) {
    this.start = start;
  }

  static <U extends FakeUpstream<U>> ProviderNode<U> of(Supplier<U> start) {
    return new ProviderNode<>(start);
  }

  /** A deployment made once the fake is up: its {@code POST /api/deployments} body, built from the fake (its URL). */
  ProviderNode<U> deploying(Function<U, String> body) {
    deployments.add(body);
    return this;
  }

  /** How the upstream behaves from the start, e.g. {@code u -> u.embeddingDimension(6)}. */
  ProviderNode<U> upstream(java.util.function.Consumer<U> setUp) {
    this.upstreamSetUp = setUp;
    return this;
  }

  /** A setting over the node's reference.conf, e.g. {@code byzerllm.worker.queue-timeout}. */
  ProviderNode<U> config(String path, String value) {
    config.put(path, value);
    return this;
  }

  /** The node's {@code --api_key}; {@link #calls} then send it. */
  ProviderNode<U> apiKey(String key) {
    this.apiKey = key;
    return this;
  }

  /** The node's {@code $LLM_HOME}. */
  Path home() {
    return home;
  }

  U upstream() {
    return upstream;
  }

  Node node() {
    return node;
  }

  NodeCalls calls() {
    return calls;
  }

  /** A deployment body of this model type with these infer params, on a sliver of a CPU per worker. */
  static String deployment(String model, String type, int numWorkers, int concurrency, Map<String, String> params) {
    ObjectNode body = NodeCalls.JSON.createObjectNode();
    body.put("model", model);
    body.put("pretrained_model_type", type);
    body.put("num_workers", numWorkers);
    body.put("worker_concurrency", concurrency);
    body.put("cpus_per_worker", 0.001);
    ObjectNode infer = body.putObject("infer_params");
    params.forEach(infer::put);
    return body.toString();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    home = Files.createTempDirectory("llm-it");
    upstream = start.get();
    upstreamSetUp.accept(upstream);
    NodeSettings settings = NodeSettings.ephemeral(home);
    for (Map.Entry<String, String> c : config.entrySet()) {
      settings = settings.withConfig(c.getKey(), c.getValue());
    }
    node = Node.start(apiKey == null ? settings : settings.withApiKey(apiKey));
    calls = apiKey == null ? new NodeCalls(node.httpUrl()) : new NodeCalls(node.httpUrl()).withBearer(apiKey);
    for (Function<U, String> body : deployments) {
      calls.deploy(body.apply(upstream));
    }
  }

  /** Each test sees only its own requests in the fake's record (SaasNode's users clear it themselves). */
  @Override
  public void beforeEach(ExtensionContext context) {
    upstream.clearRequests();
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
      if (home != null) {
        try (Stream<Path> files = Files.walk(home)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
