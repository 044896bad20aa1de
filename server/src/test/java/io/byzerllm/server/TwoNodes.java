package io.byzerllm.server;

import io.byzerllm.testkit.FakeOpenAiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two nodes of one cluster in this JVM (B joins A), each with its own home, and a local
 * OpenAI-compatible upstream for their deployments: started before a class's tests, stopped after.
 * {@code @RegisterExtension static final TwoNodes NODES = TwoNodes.start();}
 */
final class TwoNodes implements BeforeAllCallback, AfterAllCallback {
  private String apiKey;
  private boolean workersOnAOnly;
  private final java.util.Map<String, String> configA = new java.util.HashMap<>();
  private Path homeA;
  private Path homeB;
  private FakeOpenAiServer upstream;
  private Node a;
  private Node b;

  static TwoNodes start() {
    return new TwoNodes();
  }

  /** Both nodes' --api_key; {@link #callsA()} and {@link #callsB()} send it. */
  TwoNodes apiKey(String key) {
    this.apiKey = key;
    return this;
  }

  /** B offers no CPUs: every worker runs on A, and every call through B crosses to A. */
  TwoNodes workersOnAOnly() {
    this.workersOnAOnly = true;
    return this;
  }

  /** A setting of A's that overrides reference.conf. */
  TwoNodes configA(String path, String value) {
    configA.put(path, value);
    return this;
  }

  FakeOpenAiServer upstream() {
    return upstream;
  }

  Node a() {
    return a;
  }

  Node b() {
    return b;
  }

  NodeCalls callsA() {
    return calls(a);
  }

  NodeCalls callsB() {
    return calls(b);
  }

  private NodeCalls calls(Node node) {
    NodeCalls calls = new NodeCalls(node.httpUrl());
    return apiKey == null ? calls : calls.withBearer(apiKey);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    homeA = Files.createTempDirectory("llm-it-a");
    homeB = Files.createTempDirectory("llm-it-b");
    upstream = FakeOpenAiServer.start();
    NodeSettings settingsA = NodeSettings.ephemeral(homeA).withApiKey(apiKey);
    for (java.util.Map.Entry<String, String> e : configA.entrySet()) {
      settingsA = settingsA.withConfig(e.getKey(), e.getValue());
    }
    a = Node.start(workersOnAOnly ? settingsA.withResources(4, 0) : settingsA);
    NodeSettings settingsB = NodeSettings.ephemeral(homeB).withApiKey(apiKey).withJoin(List.of(a.clusterAddress()));
    b = Node.start(workersOnAOnly ? settingsB.withResources(0, 0) : settingsB);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try {
      if (b != null) {
        b.close();
      }
      if (a != null) {
        a.close();
      }
    } finally {
      if (upstream != null) {
        upstream.close();
      }
      deleteTree(homeA);
      deleteTree(homeB);
    }
  }

  /** Removes a test's home directory and everything in it. */
  static void deleteTree(Path dir) throws IOException {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
