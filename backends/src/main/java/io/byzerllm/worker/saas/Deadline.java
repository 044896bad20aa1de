package io.byzerllm.worker.saas;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A timer that runs a task on an executor after a delay unless cancelled first. Cancelling removes
 * the timer at once (the JDK's {@code orTimeout} machinery), so finished requests do not sit in a
 * timer queue, holding their answers, until their timeout would have passed.
 */
final class Deadline {
  private final CompletableFuture<Void> timer;

  private Deadline(CompletableFuture<Void> timer) {
    this.timer = timer;
  }

  static Deadline after(Duration delay, Executor executor, Runnable onExpiry) {
    CompletableFuture<Void> timer = new CompletableFuture<Void>().orTimeout(delay.toNanos(), TimeUnit.NANOSECONDS);
    timer.whenComplete((nothing, expired) -> {
      if (expired != null) {
        try {
          executor.execute(onExpiry); // off the JDK's single timer thread
        } catch (RejectedExecutionException e) {
          // the backend is closed; close() has already failed what was pending
        }
      }
    });
    return new Deadline(timer);
  }

  void cancel() {
    timer.complete(null);
  }
}
