package io.byzerllm.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.deploy.Resources;
import io.byzerllm.testkit.FakeOpenAiServer;
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
 * The race of issue 15 made deterministic: a one-node cluster's agent drains (its node is
 * stopping) and the controller's reconcile ticks are forced while it does. The real controller
 * and agent run in a real one-node cluster; the reconcile timer is off, so every tick is one the
 * test sends.
 */
@Timeout(120)
class DrainingNodeIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir static Path home;
  static ActorTestKit kit;
  static FakeOpenAiServer upstream;
  static ActorRef<DeploymentController.Command> controller;
  static ActorRef<NodeAgent.Command> agent;

  @BeforeAll
  static void start() {
    upstream = FakeOpenAiServer.start();
    kit = OneNodeClusterKit.start(Map.of(
        "byzerllm.server.reconcile-interval", "1h",
        "byzerllm.server.reconcile-settle", "0s",
        // A worker asked for and not yet reported counts as starting (not missing) for grace + deploy timeout.
        "byzerllm.server.worker-start-grace", "0s",
        "byzerllm.server.deploy-timeout", "5s"), WAIT);
    controller = kit.spawn(DeploymentController.create(), "controller");
    agent = kit.spawn(NodeAgent.create("http://127.0.0.1:1", Resources.of(2, 0), home, new LocalWorkers(() -> {}),
        new io.byzerllm.worker.actor.BackendGate()), "agent");
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
    upstream.close();
  }

  @Test
  void reconcile_whileTheOnlyNodeDrains_placesNoWorkerAndTheDeploymentWaits() {
    ModelSpec spec = ModelSpec.of("chat", ModelType.SAAS_OPENAI, Map.of("saas.base_url", upstream.baseUrl(),
        "saas.model", "m", "saas.api_key", "k")).withResources(1, 0);
    TestProbe<DeploymentController.DeployOutcome> deployed = kit.createTestProbe();
    await().atMost(WAIT).until(() -> !table().nodes().isEmpty());
    controller.tell(new DeploymentController.Deploy(spec, false, deployed.getRef()));
    assertThat(deployed.receiveMessage(WAIT).failure()).isNull();
    assertThat(workersOnAgent()).hasSize(1);

    TestProbe<NodeAgent.Drained> drained = kit.createTestProbe();
    agent.tell(new NodeAgent.DrainAll(drained.getRef()));
    drained.expectMessage(WAIT, NodeAgent.Drained.INSTANCE);
    // Ticks until the controller has heard that the worker is gone (and, in the same report, that the node drains).
    await().atMost(WAIT).until(() -> {
      controller.tell(DeploymentController.Reconcile.INSTANCE);
      return table().missingWorkers().equals(Map.of("chat", 1));
    });

    for (int i = 0; i < 5; i++) {
      controller.tell(DeploymentController.Reconcile.INSTANCE);
    }

    assertThat(table().missingWorkers()).isEqualTo(Map.of("chat", 1));
    assertThat(workersOnAgent()).isEmpty();
    assertThat(table().deployments()).extracting(DeploymentRecord::model).containsExactly("chat");

    // A start asked of the draining agent anyway (a controller acting on an older report) is refused.
    TestProbe<NodeAgent.WorkersStarted> started = kit.createTestProbe();
    agent.tell(new NodeAgent.StartWorkers(spec, 1, List.of(new io.byzerllm.deploy.WorkerPlacement(0, "x", List.of())),
        started.getRef()));
    assertThat(started.receiveMessage(WAIT).failures()).singleElement().asString().contains("is leaving");
    assertThat(workersOnAgent()).isEmpty();
  }

  private static DeploymentController.Table table() {
    TestProbe<DeploymentController.Table> probe = kit.createTestProbe();
    controller.tell(new DeploymentController.GetTable(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private static List<NodeAgent.RunningWorker> workersOnAgent() {
    TestProbe<NodeAgent.WorkerRefs> probe = kit.createTestProbe();
    agent.tell(new NodeAgent.ListWorkers(probe.getRef()));
    return probe.receiveMessage(WAIT).workers();
  }
}
