package io.byzerllm.worker.admission;

import java.util.concurrent.atomic.AtomicInteger;

/** A worker's {@code worker_concurrency} slots: taken with one CAS, given back exactly once per take. */
final class Permits {
  private final AtomicInteger used = new AtomicInteger();
  private final int limit;

  Permits(int limit) {
    this.limit = limit;
  }

  /** False: every slot is taken (the caller queues or answers 429 now). */
  boolean tryTake() {
    for (int n = used.get(); n < limit; n = used.get()) {
      if (used.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  void giveBack() {
    used.decrementAndGet();
  }

  int used() {
    return used.get();
  }

  int limit() {
    return limit;
  }
}
