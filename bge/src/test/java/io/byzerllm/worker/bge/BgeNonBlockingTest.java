package io.byzerllm.worker.bge;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker's stat and close never wait on another model's load: while a load holds
 * {@link LoadedModels}' lock (here one that waits on a latch), {@code describe()} and
 * {@code close()} return at once, and the close finishes its release after the load.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BgeNonBlockingTest {
  private static final LoadedModels.Key STALLED = new LoadedModels.Key("/no/such/model.onnx", InferEngine.ONNX,
      "cpu()", 1);
  private static BgeFixture fixture;
  private static final ExecutorService loads = Executors.newSingleThreadExecutor();

  @BeforeAll
  static void start() {
    fixture = new BgeFixture();
  }

  @AfterAll
  static void stop() {
    loads.shutdownNow();
    fixture.close();
  }

  @Test
  void describeAndClose_whileAnotherModelLoads_returnAtOnce() throws Exception {
    BgeBackend backend = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx", Map.of())));
    CountDownLatch loadMayFinish = new CountDownLatch(1);
    CountDownLatch loading = new CountDownLatch(1);
    CompletableFuture<Void> load = CompletableFuture.runAsync(() -> LoadedModels.acquire(STALLED, () -> {
      loading.countDown();
      try {
        loadMayFinish.await(60, SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("this load only holds the lock");
    }), loads);
    try {
      assertThat(loading.await(30, SECONDS)).isTrue();

      Map<String, Object> described = CompletableFuture.supplyAsync(backend::describe, fixture.executor())
          .get(10, SECONDS);
      CompletableFuture.runAsync(backend::close, fixture.executor()).get(10, SECONDS);

      assertThat((Integer) described.get("weights_shared_by_workers")).isPositive();
      assertThat(backend.released().toCompletableFuture()).isNotDone(); // its release waits for the lock
    } finally {
      loadMayFinish.countDown();
    }
    backend.released().toCompletableFuture().get(60, SECONDS);
    assertThat(load).failsWithin(10, SECONDS);
  }
}
