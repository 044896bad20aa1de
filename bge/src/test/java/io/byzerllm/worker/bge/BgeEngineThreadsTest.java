package io.byzerllm.worker.bge;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ModelSpec;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine of a BGE worker computes on as many threads as the CPUs the worker holds, and stat says so. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BgeEngineThreadsTest {
  private static BgeFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new BgeFixture();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  void open_workerHoldingThreeCpus_onnxSessionRunsThreeIntraOpThreads() throws Exception {
    ModelSpec spec = BgeFixture.spec("", "onnx", Map.of());
    try (BgeBackend one = (BgeBackend) BgeBackend.open(fixture.context(spec, 1));
         BgeBackend three = (BgeBackend) BgeBackend.open(fixture.context(spec, 3))) {

      assertThat(one.describe()).containsEntry("threads", 1);
      assertThat(three.describe()).containsEntry("threads", 3);
      assertThat((String) three.describe().get("engine_detail")).contains("3 intra-op threads");
      // Different thread counts are different sessions, not one shared at the first worker's size.
      assertThat(three.describe()).containsEntry("weights_shared_by_workers", 1);
      assertThat(BgeFixture.cosine(BgeFixture.embedOne(one, "你好"), BgeFixture.embedOne(three, "你好")))
          .isGreaterThan(0.9999);
    }
  }

  @Test
  void open_pyTorchWorkerHoldingThreeCpus_threeBatchingThreadsEachPassOnOneIntraOpThread() throws Exception {
    ModelSpec spec = BgeFixture.spec("", "transformers", Map.of());
    try (BgeBackend three = (BgeBackend) BgeBackend.open(fixture.context(spec, 3))) {

      assertThat(three.describe()).containsEntry("engine", InferEngine.PYTORCH.djlName())
          .containsEntry("threads", 3).containsEntry("batching_threads", 3).containsEntry("intra_op_threads", 1);
    }
  }
}
