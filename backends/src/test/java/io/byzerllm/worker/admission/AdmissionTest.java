package io.byzerllm.worker.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AdmissionTest {
  private final AtomicLong clock = new AtomicLong();
  private final List<String> started = new ArrayList<>();
  private final List<LlmException> refused = new ArrayList<>();

  private Admission admission(int concurrency, int queue) {
    return new Admission("model 'm' worker 0", concurrency, queue, TimeUnit.SECONDS.toNanos(60), clock::get);
  }

  private Admission.Waiter waiter(String name) {
    return new Admission.Waiter(() -> started.add(name), refused::add, clock.get());
  }

  @Test
  void admit_freePermit_startsAtOnce() {
    Admission a = admission(2, 4);

    assertThat(a.admit(waiter("a"))).isEqualTo(Admission.Outcome.STARTED);
    assertThat(a.admit(waiter("b"))).isEqualTo(Admission.Outcome.STARTED);

    assertThat(started).containsExactly("a", "b");
    assertThat(a.inFlight()).isEqualTo(2);
  }

  @Test
  void admit_allPermitsTaken_queuesThenRefusesBeyondTheQueue() {
    Admission a = admission(1, 2);
    a.admit(waiter("running"));

    assertThat(a.admit(waiter("q1"))).isEqualTo(Admission.Outcome.QUEUED);
    assertThat(a.admit(waiter("q2"))).isEqualTo(Admission.Outcome.QUEUED);
    assertThat(a.admit(waiter("q3"))).isEqualTo(Admission.Outcome.REFUSED);

    assertThat(started).containsExactly("running");
    assertThat(a.queued()).isEqualTo(2);
  }

  @Test
  void release_withQueuedCalls_handsThePermitToTheOldest() {
    Admission a = admission(1, 4);
    a.admit(waiter("running"));
    a.admit(waiter("q1"));
    a.admit(waiter("q2"));

    a.release();

    assertThat(started).containsExactly("running", "q1");
    assertThat(a.inFlight()).isEqualTo(1);
    assertThat(a.queued()).isEqualTo(1);
  }

  @Test
  void expireQueued_pastTheQueueTimeout_refusesWith429AndNamesTheWorker() {
    Admission a = admission(1, 4);
    a.admit(waiter("running"));
    a.admit(waiter("q1"));
    clock.addAndGet(TimeUnit.SECONDS.toNanos(61));

    a.expireQueued();

    assertThat(refused).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
      assertThat(e.getMessage()).contains("waited 60s", "model 'm' worker 0");
    });
    assertThat(a.queued()).isZero();
  }

  @Test
  void release_oldestQueuedCallExpired_refusesItAndStartsTheNext() {
    Admission a = admission(1, 4);
    a.admit(waiter("running"));
    a.admit(waiter("old"));
    clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
    a.admit(waiter("fresh"));

    a.release();

    assertThat(refused).hasSize(1);
    assertThat(started).containsExactly("running", "fresh");
  }

  @Test
  void withdraw_queuedCall_neverStartsNorRefused() {
    Admission a = admission(1, 4);
    a.admit(waiter("running"));
    Admission.Waiter gone = waiter("gone");
    a.admit(gone);

    assertThat(a.withdraw(gone)).isTrue();
    a.release();

    assertThat(started).containsExactly("running");
    assertThat(refused).isEmpty();
  }

  @Test
  void drain_refusesNewCallsAndIsIdleOnceEverythingFinished() {
    Admission a = admission(1, 4);
    a.admit(waiter("running"));
    a.admit(waiter("queued"));

    a.drain();

    assertThat(a.admit(waiter("late"))).isEqualTo(Admission.Outcome.REFUSED);
    assertThat(a.idle()).isNotDone();
    a.release();
    assertThat(started).containsExactly("running", "queued");
    assertThat(a.idle()).isNotDone();
    a.release();
    assertThat(a.idle()).isDone();
  }

  @Test
  void stop_refusesEveryQueuedCall() {
    Admission a = admission(1, 4);
    a.admit(waiter("running"));
    a.admit(waiter("q1"));
    a.admit(waiter("q2"));

    a.stop(new LlmException(ErrorKind.UNAVAILABLE, "stopped"));

    assertThat(refused).hasSize(2).allSatisfy(e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
    assertThat(a.queued()).isZero();
  }

  @Test
  void admitAndRelease_fromManyThreads_neverExceedTheLimitAndEveryCallEnds() throws Exception {
    int limit = 3;
    Admission a = new Admission("w", limit, 1_000_000, TimeUnit.SECONDS.toNanos(60), System::nanoTime);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    int calls = 20_000;
    CountDownLatch done = new CountDownLatch(calls);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int i = 0; i < calls; i++) {
        pool.execute(() -> a.admit(new Admission.Waiter(() -> {
          maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
          // finish on another thread, as a backend does
          pool.execute(() -> {
            running.decrementAndGet();
            finished.incrementAndGet();
            a.release();
            done.countDown();
          });
        }, e -> done.countDown(), System.nanoTime())));
      }
      assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
    assertThat(maxRunning.get()).isLessThanOrEqualTo(limit);
    assertThat(finished.get()).isEqualTo(calls);
    assertThat(a.inFlight()).isZero();
    assertThat(a.queued()).isZero();
  }
}
