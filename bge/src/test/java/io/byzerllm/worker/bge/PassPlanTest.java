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

  @Test
  void packed_428TokensAtMost256_twoPassesOfAboutEqualTokens() {
    int[] lengths = {4, 6, 9, 10, 12, 14, 16, 20, 22, 25, 30, 36, 40, 48, 56, 80};

    PassPlan plan = PassPlan.packed(lengths, 32, 256);

    assertThat(plan.ends()).containsExactly(12, 16);
  }

  @Test
  void packed_aTextLongerThanThePassAlone_itsOwnPass() {
    assertThat(PassPlan.packed(new int[] {5, 7, 300}, 32, 256).ends()).containsExactly(2, 3);
  }

  @Test
  void packed_manyShortTexts_atMostMaxBatchSizeAPass() {
    int[] lengths = new int[40];
    java.util.Arrays.fill(lengths, 3);

    assertThat(PassPlan.packed(lengths, 16, 256).ends()).containsExactly(16, 32, 40);
  }

  @Test
  void packed_noTexts_noPass() {
    assertThat(PassPlan.packed(new int[0], 32, 256).ends()).isEmpty();
  }
}
