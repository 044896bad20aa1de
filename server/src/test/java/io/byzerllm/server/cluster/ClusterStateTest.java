package io.byzerllm.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.Resources;
import java.util.List;
import java.util.Set;
import org.apache.pekko.cluster.MemberStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which nodes may be given workers: never one that is leaving or draining. */
@Timeout(10)
class ClusterStateTest {

  @Test
  void takesWorkers_memberOnItsWayOut_false() {
    assertThat(ClusterState.takesWorkers(MemberStatus.up())).isTrue();
    assertThat(ClusterState.takesWorkers(MemberStatus.weaklyUp())).isTrue();
    for (MemberStatus out : List.of(MemberStatus.leaving(), MemberStatus.exiting(), MemberStatus.down(),
        MemberStatus.removed(), MemberStatus.joining())) {
      assertThat(ClusterState.takesWorkers(out)).as(out.toString()).isFalse();
    }
  }

  @Test
  void placeable_nodeReportedDraining_excludedUntilItReportsOtherwise() {
    ClusterState state = twoNodes();

    state.reported(new NodeAgent.WorkerRefs("a:1", List.of(), true));
    state.reported(new NodeAgent.WorkerRefs("b:2", List.of(), false));

    assertThat(addresses(state.placeable(Set.of()))).containsExactly("b:2");
    assertThat(state.isDraining("a:1")).isTrue();

    state.reported(new NodeAgent.WorkerRefs("a:1", List.of(), false)); // a new incarnation at the same address
    assertThat(addresses(state.placeable(Set.of()))).containsExactly("a:1", "b:2");
  }

  @Test
  void placeable_memberLeaving_excluded() {
    ClusterState state = twoNodes();

    assertThat(addresses(state.placeable(Set.of("b:2")))).containsExactly("a:1");
    assertThat(state.placeable(Set.of("a:1", "b:2"))).isEmpty();
  }

  @Test
  void startFailed_refusedByNode_forgetsOnlyThatNodesStart() {
    ClusterState state = twoNodes();
    var onA = new io.byzerllm.worker.actor.WorkerId("m", 7, 0);
    var onB = new io.byzerllm.worker.actor.WorkerId("m", 7, 1);
    state.starting.put(onA, new ClusterState.Starting("a:1", Resources.of(1, 0), 0));
    state.starting.put(onB, new ClusterState.Starting("b:2", Resources.of(1, 0), 0));

    state.startFailed("a:1", "m", 7);

    assertThat(state.starting).containsOnlyKeys(onB);
  }

  @Test
  void isRunning_workerOnADrainingNode_countsAsGoneSoItsSuccessorIsPlacedMeanwhile() {
    ClusterState state = twoNodes();
    var id = new io.byzerllm.worker.actor.WorkerId("m", 7, 0);
    state.reported(new NodeAgent.WorkerRefs("a:1", List.of(new NodeAgent.RunningWorker(id, null)), false));
    assertThat(state.isRunning(id)).isTrue();

    state.reported(new NodeAgent.WorkerRefs("a:1", List.of(new NodeAgent.RunningWorker(id, null)), true));

    assertThat(state.isRunning(id)).isFalse();
  }

  @Test
  void reported_drainingNodeStillListsTheWorker_doesNotConfirmItsSuccessorStartingElsewhere() {
    ClusterState state = twoNodes();
    var id = new io.byzerllm.worker.actor.WorkerId("m", 7, 0);
    state.starting.put(id, new ClusterState.Starting("b:2", Resources.of(1, 0), 0));

    state.reported(new NodeAgent.WorkerRefs("a:1", List.of(new NodeAgent.RunningWorker(id, null)), true));
    assertThat(state.starting).containsKey(id);

    state.reported(new NodeAgent.WorkerRefs("b:2", List.of(new NodeAgent.RunningWorker(id, null)), false));
    assertThat(state.starting).doesNotContainKey(id);
    assertThat(state.isRunning(id)).isTrue();
  }

  @Test
  void used_drainingWorkerAndItsSuccessor_eachCountedOnItsOwnNode() {
    ClusterState state = twoNodes();
    var id = new io.byzerllm.worker.actor.WorkerId("m", 7, 0);
    state.reported(new NodeAgent.WorkerRefs("a:1", List.of(new NodeAgent.RunningWorker(id, null)), true));
    state.starting.put(id, new ClusterState.Starting("b:2", Resources.of(1, 0), 0));

    var used = state.used(java.util.Map.of("m", Resources.of(1, 0)), java.util.Map.of());

    assertThat(used).containsEntry("a:1", Resources.of(1, 0)).containsEntry("b:2", Resources.of(1, 0));
  }

  private static ClusterState twoNodes() {
    ClusterState state = new ClusterState();
    state.nodes.put("a:1", new NodeDescription("a:1", "http://a", Resources.of(2, 0), null));
    state.nodes.put("b:2", new NodeDescription("b:2", "http://b", Resources.of(2, 0), null));
    return state;
  }

  private static List<String> addresses(List<NodeDescription> nodes) {
    return nodes.stream().map(NodeDescription::address).toList();
  }
}
