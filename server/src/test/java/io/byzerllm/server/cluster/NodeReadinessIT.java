package io.byzerllm.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.deploy.Resources;
import io.byzerllm.deploy.WorkerPlacement;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.worker.actor.BackendGate;
import io.byzerllm.worker.actor.LocalWorkers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code /health/ready} asks a node's agent: not ready while a worker placed here is starting
 * (the question queued behind the start is answered before the worker can be ready), ready once it
 * is, not ready once the node drains.
 */
@Timeout(120)
class NodeReadinessIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir static Path home;
  static ActorTestKit kit;
  static FakeOpenAiServer upstream;
  static ActorRef<NodeAgent.Command> agent;

  @BeforeAll
  static void start() {
    upstream = FakeOpenAiServer.start();
    kit = OneNodeClusterKit.start(Map.of(), WAIT);
    agent = kit.spawn(NodeAgent.create("http://127.0.0.1:1", Resources.of(2, 0), home, new LocalWorkers(() -> {}),
        new BackendGate()), "agent");
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
    upstream.close();
  }

  @Test
  void checkReady_workerStartingThenReadyThenDraining_notReadyReadyNotReady() {
    ModelSpec spec = ModelSpec.of("chat", ModelType.SAAS_OPENAI, Map.of("saas.base_url", upstream.baseUrl(),
        "saas.model", "m", "saas.api_key", "k")).withResources(1, 0);
    TestProbe<NodeAgent.WorkersStarted> started = kit.createTestProbe();

    agent.tell(new NodeAgent.StartWorkers(spec, 1, List.of(new WorkerPlacement(0, "x", List.of())), started.getRef()));
    NodeAgent.Readiness starting = readiness();

    assertThat(starting.starting()).containsExactly("chat/0");
    assertThat(starting.draining()).isFalse();
    assertThat(started.receiveMessage(WAIT).failures()).isEmpty();
    NodeAgent.Readiness ready = readiness();
    assertThat(ready.starting()).isEmpty();
    assertThat(ready.workers()).isEqualTo(1);

    TestProbe<NodeAgent.Drained> drained = kit.createTestProbe();
    agent.tell(new NodeAgent.DrainAll(drained.getRef()));
    assertThat(readiness().draining()).isTrue();
    drained.expectMessage(WAIT, NodeAgent.Drained.INSTANCE);
  }

  private static NodeAgent.Readiness readiness() {
    TestProbe<NodeAgent.Readiness> probe = kit.createTestProbe();
    agent.tell(new NodeAgent.CheckReady(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }
}
