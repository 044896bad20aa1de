package io.byzerllm.client.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncfyTest {
  @Test
  void run_moreCallsThanPermits_neverMoreThanPermitsAtOnce() throws Exception {
    try (Asyncfy async = Asyncfy.withSemaphore(2, Duration.ofSeconds(30))) {
      AtomicInteger running = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      CountDownLatch release = new CountDownLatch(1);
      List<CompletableFuture<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        int n = i;
        futures.add(async.run(() -> {
          peak.accumulateAndGet(running.incrementAndGet(), Math::max);
          release.await(20, TimeUnit.SECONDS);
          running.decrementAndGet();
          return n;
        }));
      }

      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> running.get() == 2);
      release.countDown();
      List<Integer> results = new ArrayList<>();
      for (var f : futures) {
        results.add(f.get(20, TimeUnit.SECONDS));
      }

      assertThat(results).containsExactly(0, 1, 2, 3, 4, 5);
      assertThat(peak.get()).isEqualTo(2);
    }
  }

  @Test
  void run_callOutlastsTimeout_failsWithTimeoutAndFreesPermit() throws Exception {
    try (Asyncfy async = Asyncfy.withSemaphore(1, Duration.ofMillis(200))) {
      CountDownLatch never = new CountDownLatch(1);

      CompletableFuture<Boolean> slow = async.run(() -> never.await(60, TimeUnit.SECONDS));

      assertThatThrownBy(() -> slow.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TimeoutException.class);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> async.availablePermits() == 1);
    }
  }

  @Test
  void run_callThrows_futureFailsWithThatException() {
    try (Asyncfy async = Asyncfy.withSemaphore(1, null)) {
      CompletableFuture<Object> f = async.run(() -> {
        throw new IllegalStateException("boom");
      });

      assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("boom");
    }
  }

  @Test
  void asyncfy_value_completedImmediately() {
    assertThat(Asyncfy.asyncfy(() -> 7)).isCompletedWithValue(7);
  }
}
