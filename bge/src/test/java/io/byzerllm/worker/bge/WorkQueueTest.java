package io.byzerllm.worker.bge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The batching threads' queue: whole calls enter at once, and of the takers waiting the lowest rank is woken first. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WorkQueueTest {
  private final WorkQueue<String> queue = new WorkQueue<>();

  @Test
  void addAll_twoTakersWaiting_theLowerRankTakesFirstWhicheverCameFirst() throws Exception {
    CompletableFuture<String> rankOne = takeOnNewThread(1);
    CompletableFuture<String> rankZero = takeOnNewThread(0);

    queue.addAll(List.of("first"));

    assertThat(rankZero.get(10, TimeUnit.SECONDS)).isEqualTo("first");
    assertThat(rankOne).isNotDone();
    queue.addAll(List.of("second"));
    assertThat(rankOne.get(10, TimeUnit.SECONDS)).isEqualTo("second");
  }

  @Test
  void addAll_severalItemsAndTwoTakersWaiting_bothWake() throws Exception {
    CompletableFuture<String> one = takeOnNewThread(0);
    CompletableFuture<String> two = takeOnNewThread(1);

    queue.addAll(List.of("a", "b", "c"));

    assertThat(List.of(one.get(10, TimeUnit.SECONDS), two.get(10, TimeUnit.SECONDS)))
        .containsExactlyInAnyOrder("a", "b");
    assertThat(queue.poll()).isEqualTo("c");
  }

  @Test
  void poll_nothingComes_nullAfterTheTimeout() throws Exception {
    long start = System.nanoTime();

    assertThat(queue.poll(50, TimeUnit.MILLISECONDS, 0)).isNull();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    queue.addAll(List.of("x"));
    assertThat(queue.poll(50, TimeUnit.MILLISECONDS, 0)).isEqualTo("x");
  }

  /** take(rank) on a thread of its own, returned once that thread is parked waiting. */
  private CompletableFuture<String> takeOnNewThread(int rank) throws InterruptedException {
    CompletableFuture<String> taken = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        taken.complete(queue.take(rank));
      } catch (InterruptedException e) {
        taken.completeExceptionally(e);
      }
    }, "taker-" + rank);
    t.setDaemon(true);
    t.start();
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
      Thread.sleep(1);
    }
    return taken;
  }
}
