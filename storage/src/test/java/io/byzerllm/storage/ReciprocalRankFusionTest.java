package io.byzerllm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.byzerllm.storage.internal.ReciprocalRankFusion;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReciprocalRankFusionTest {
  @Test
  void fuse_firstInBothSecondInOne_twoSixtiethsAndOneSixtyFirst() {
    var fused = ReciprocalRankFusion.fuse(List.of(List.of("a", "c"), List.of("a", "b")));
    assertThat(fused).extracting(ReciprocalRankFusion.Fused::key).containsExactly("a", "c", "b");
    assertThat(fused.get(0).score()).isCloseTo(2.0 / 60, within(1e-15));
    assertThat(fused.get(1).score()).isCloseTo(1.0 / 61, within(1e-15));
    assertThat(fused.get(2).score()).isCloseTo(1.0 / 61, within(1e-15));
  }
}
