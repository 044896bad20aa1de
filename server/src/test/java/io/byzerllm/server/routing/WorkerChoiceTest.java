package io.byzerllm.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerChoiceTest {
  private final Map<String, Integer> load = new java.util.HashMap<>();

  private Object pick(List<String> local, List<String> remote, Set<Object> tried, int start) {
    return WorkerChoice.pick(local, load::get, remote, load::get, tried, start);
  }

  @Test
  void pick_leastLoadedWins_whereverItRuns() {
    load.putAll(Map.of("local", 3, "remote", 1));

    assertThat(pick(List.of("local"), List.of("remote"), Set.of(), 0)).isEqualTo("remote");
  }

  @Test
  void pick_equalLoad_prefersTheLocalWorker() {
    load.putAll(Map.of("local", 2, "remote", 2));

    assertThat(pick(List.of("local"), List.of("remote"), Set.of(), 0)).isEqualTo("local");
  }

  @Test
  void pick_aLongStreamHoldsOneWorker_shortCallsGoToTheFreeOne() {
    // a stream counts as load until it ends
    load.putAll(Map.of("streaming", 1, "free", 0));

    for (int start = 0; start < 4; start++) {
      assertThat(pick(List.of("streaming", "free"), List.of(), Set.of(), start)).isEqualTo("free");
    }
  }

  @Test
  void pick_equalWorkers_shareByStartingPoint() {
    load.putAll(Map.of("a", 0, "b", 0));

    assertThat(pick(List.of("a", "b"), List.of(), Set.of(), 0)).isEqualTo("a");
    assertThat(pick(List.of("a", "b"), List.of(), Set.of(), 1)).isEqualTo("b");
  }

  @Test
  void pick_skipsTriedWorkers_andAnswersNullWhenAllTried() {
    load.putAll(Map.of("a", 0, "b", 5));

    assertThat(pick(List.of("a"), List.of("b"), Set.of("a"), 0)).isEqualTo("b");
    assertThat(pick(List.of("a"), List.of("b"), Set.of("a", "b"), 0)).isNull();
    assertThat(pick(List.of(), List.of(), Set.of(), 0)).isNull();
  }
}
