package io.byzerllm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementPlannerTest {
  private static final List<NodeCapacity> THREE_NODES = List.of(
      NodeCapacity.idle("a:1", Resources.of(2, 0)),
      NodeCapacity.idle("b:1", Resources.of(2, 0)),
      NodeCapacity.idle("c:1", Resources.of(2, 0)));

  private static ModelSpec spec(int workers, double cpus, double gpus, PlacementStrategy placement) {
    return new ModelSpec("m", ModelType.SAAS_OPENAI, "", "", Map.of(), workers, 1, cpus, gpus, placement);
  }

  @Test
  void plan_spread_putsOneWorkerPerNode() {
    List<WorkerPlacement> plan = PlacementPlanner.plan(spec(3, 1, 0, PlacementStrategy.SPREAD), THREE_NODES);

    assertThat(plan).extracting(WorkerPlacement::node).containsExactlyInAnyOrder("a:1", "b:1", "c:1");
    assertThat(plan).extracting(WorkerPlacement::index).containsExactly(0, 1, 2);
  }

  @Test
  void plan_pack_fillsTheFirstNodeFirst() {
    List<WorkerPlacement> plan = PlacementPlanner.plan(spec(3, 1, 0, PlacementStrategy.PACK), THREE_NODES);

    assertThat(plan).extracting(WorkerPlacement::node).containsExactly("a:1", "a:1", "b:1");
  }

  @Test
  void plan_fractionalCpus_addUpExactly() {
    List<NodeCapacity> one = List.of(NodeCapacity.idle("a:1", Resources.of(1, 0)));

    assertThat(PlacementPlanner.plan(spec(100, 0.01, 0, PlacementStrategy.SPREAD), one)).hasSize(100);
    assertThatThrownBy(() -> PlacementPlanner.plan(spec(101, 0.01, 0, PlacementStrategy.SPREAD), one))
        .isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void plan_moreThanTheClusterHas_refusedSayingWhatIsFreePerNode() {
    assertThatThrownBy(() -> PlacementPlanner.plan(spec(7, 1, 0, PlacementStrategy.SPREAD), THREE_NODES))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("not enough resources")
        .hasMessageContaining("a:1 has 2 CPU, 0 GPU free of 2 CPU, 0 GPU")
        .hasMessageContaining("--num_workers 7");
  }

  @Test
  void plan_gpuOnACpuOnlyCluster_refusedNamingTheFix() {
    assertThatThrownBy(() -> PlacementPlanner.plan(spec(1, 1, 1, PlacementStrategy.SPREAD), THREE_NODES))
        .hasMessageContaining("the cluster has no GPU");
  }

  @Test
  void plan_gpuShares_fractionsShareADeviceAndWholeGpusTakeWholeDevices() {
    List<NodeCapacity> gpuNode = List.of(NodeCapacity.idle("g:1", Resources.of(8, 2)));

    List<WorkerPlacement> halves = PlacementPlanner.plan(spec(2, 1, 0.5, PlacementStrategy.PACK), gpuNode);
    List<WorkerPlacement> wholes = PlacementPlanner.plan(spec(2, 1, 1, PlacementStrategy.PACK), gpuNode);

    assertThat(halves).extracting(WorkerPlacement::gpuIndices).containsExactly(List.of(0), List.of(0));
    assertThat(wholes).extracting(WorkerPlacement::gpuIndices).containsExactly(List.of(0), List.of(1));
  }
}
