package io.byzerllm.worker.bge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class PassPlanTest {
  @Test
  void of_40TextsOfOneLength_threePassesOfAtMost16() {
    int[] lengths = new int[40];
    Arrays.fill(lengths, 9);

    PassPlan plan = PassPlan.of(lengths, 16, 14);

    assertThat(plan.ends()).hasSize(3).endsWith(40);
    int from = 0;
    for (int end : plan.ends()) {
      assertThat(end - from).isBetween(1, 16);
      from = end;
    }
  }

  @Test
  void of_aShortAndAVeryLongText_separatePasses() {
    assertThat(PassPlan.of(new int[] {4, 120}, 32, 14).ends()).containsExactly(1, 2);
  }

  @Test
  void of_textsOfNearlyOneLength_onePassBecausePaddingCostsLessThanAnotherPass() {
    assertThat(PassPlan.of(new int[] {10, 11, 12, 13}, 32, 14).ends()).containsExactly(4);
  }

  @Test
  void of_noFixedCost_onlyTextsOfOneLengthShareAPass() {
    assertThat(PassPlan.of(new int[] {5, 5, 6, 7, 7, 7}, 32, 0).ends()).containsExactly(2, 3, 6);
  }

  @Test
  void of_theBenchSentences_cheaperThanOnePassEachAndThanOnePaddedPass() {
    int[] lengths = {4, 6, 7, 11, 11, 14, 16, 18, 23, 26, 30, 31, 37, 39, 66, 89};
    int cost = 14;

    PassPlan plan = PassPlan.of(lengths, 32, cost);

    long planned = 0;
    int from = 0;
    for (int end : plan.ends()) {
      planned += cost + (long) (end - from) * lengths[end - 1];
      from = end;
    }
    long oneEach = Arrays.stream(lengths).mapToLong(l -> cost + l).sum();
    long onePass = cost + (long) lengths.length * lengths[lengths.length - 1];
    assertThat(planned).isLessThan(oneEach).isLessThan(onePass);
    assertThat(plan.ends().size()).isBetween(2, 15);
  }

  @Test
  void of_oneText_onePass() {
    assertThat(PassPlan.of(new int[] {512}, 1, 14).ends()).containsExactly(1);
  }
}
