package io.byzerllm.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.OverloadedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KeyLimiterTest {
  private final AtomicLong clock = new AtomicLong(1_000 * 60_000L + 10_000); // 10 s into a minute
  private final KeyLimiter limiter = new KeyLimiter(clock::get);

  private static ApiKey key(KeyLimits limits) {
    return new ApiKey("k1", "0".repeat(64), KeyRole.INFERENCE, List.of(), limits, "test", 0);
  }

  @Test
  void admit_pastMaxConcurrent_refusedUntilOneFinishes() {
    ApiKey key = key(new KeyLimits(0, 0, 2));
    KeyLimiter.Grant a = limiter.admit(key);
    limiter.admit(key);

    assertThatThrownBy(() -> limiter.admit(key)).isInstanceOf(OverloadedException.class)
        .hasMessageContaining("2 concurrent requests");
    a.finish(0);
    a.finish(0); // a second finish gives nothing back twice
    limiter.admit(key);
    assertThatThrownBy(() -> limiter.admit(key)).isInstanceOf(OverloadedException.class);
  }

  @Test
  void admit_pastRequestsPerMinute_refusedWithRetryAfterUntilNextMinute() {
    ApiKey key = key(new KeyLimits(2, 0, 0));
    assertThat(limiter.admit(key).remainingRequests()).isEqualTo(1);
    assertThat(limiter.admit(key).remainingRequests()).isEqualTo(0);

    assertThatThrownBy(() -> limiter.admit(key)).isInstanceOfSatisfying(OverloadedException.class,
        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(50)));
    clock.addAndGet(50_000);
    assertThat(limiter.admit(key).remainingRequests()).isEqualTo(1);
  }

  @Test
  void admit_tokensUsedReachTokensPerMinute_refused() {
    ApiKey key = key(new KeyLimits(0, 100, 0));
    limiter.admit(key).finish(60);
    assertThat(limiter.admit(key).remainingTokens()).isEqualTo(40);
    // the second call is still in flight and has used nothing yet
    limiter.admit(key).finish(40);

    assertThatThrownBy(() -> limiter.admit(key)).hasMessageContaining("100 tokens per minute");
  }

  @Test
  void admit_otherNodesUsage_countsAgainstTheSameLimit() {
    ApiKey key = key(new KeyLimits(3, 0, 1));
    long window = clock.get() / 60_000;
    limiter.elsewhere(List.of(new KeyLimiter.NodeUsage(Map.of("k1", new KeyLimiter.Usage(0, window, 2, 0)))));

    KeyLimiter.Grant g = limiter.admit(key);
    assertThat(g.remainingRequests()).isEqualTo(0);
    g.finish(0);
    assertThatThrownBy(() -> limiter.admit(key)).hasMessageContaining("3 requests per minute");
  }

  @Test
  void admit_otherNodesCallsInFlight_countAgainstMaxConcurrent() {
    ApiKey key = key(new KeyLimits(0, 0, 2));
    long window = clock.get() / 60_000;
    limiter.elsewhere(List.of(new KeyLimiter.NodeUsage(Map.of("k1", new KeyLimiter.Usage(1, window, 1, 0)))));

    limiter.admit(key);
    assertThatThrownBy(() -> limiter.admit(key)).hasMessageContaining("2 concurrent requests");
  }

  @Test
  void admit_otherNodesReportOfAnEarlierMinute_requestsNoLongerCount() {
    ApiKey key = key(new KeyLimits(1, 0, 0));
    long earlier = clock.get() / 60_000 - 1;
    limiter.elsewhere(List.of(new KeyLimiter.NodeUsage(Map.of("k1", new KeyLimiter.Usage(0, earlier, 5, 0)))));

    assertThat(limiter.admit(key).remainingRequests()).isEqualTo(0);
  }

  @Test
  void local_reportsThisNodesUsageOfTheCurrentMinute() {
    ApiKey key = key(new KeyLimits(10, 0, 0));
    limiter.admit(key).finish(7);
    limiter.admit(key);

    KeyLimiter.Usage u = limiter.local().get("k1");
    assertThat(u.inFlight()).isEqualTo(1);
    assertThat(u.requests()).isEqualTo(2);
    assertThat(u.tokens()).isEqualTo(7);
  }
}
