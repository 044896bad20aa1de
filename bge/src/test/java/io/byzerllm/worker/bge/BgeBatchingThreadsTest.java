package io.byzerllm.worker.bge;

import static io.byzerllm.worker.bge.BgeFixture.cosine;
import static io.byzerllm.worker.bge.BgeFixture.embed;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several batching threads on one ONNX Runtime session or one PyTorch TorchScript module, on the bundled bge-small-zh-v1.5. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BgeBatchingThreadsTest {
  private static BgeFixture fixture;
  /** Two batching threads, rounds of at most 4 x 4 texts, no waiting for company. */
  private static BgeBackend twoThreads;
  private static BgeBackend oneThread;
  /** The same on the PyTorch engine (fp32: the same TorchScript forward pass as bf16, on any CPU). */
  private static BgeBackend twoTorchThreads;
  private static BgeBackend oneTorchThread;

  @BeforeAll
  static void load() {
    fixture = new BgeFixture();
    twoThreads = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx", Map.of(
        BatchSettings.MAX_BATCH_SIZE, "4", BatchSettings.MAX_WAIT_MS, "0", BatchSettings.BATCHING_THREADS, "2"))));
    oneThread = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx", Map.of(
        BatchSettings.MAX_BATCH_SIZE, "4", BatchSettings.MAX_WAIT_MS, "0", BatchSettings.BATCHING_THREADS, "1"))));
    twoTorchThreads = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "transformers", Map.of(
        BatchSettings.MAX_BATCH_SIZE, "4", BatchSettings.MAX_WAIT_MS, "0", BatchSettings.BATCHING_THREADS, "2"))));
    oneTorchThread = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "transformers", Map.of(
        BatchSettings.MAX_BATCH_SIZE, "4", BatchSettings.MAX_WAIT_MS, "0", BatchSettings.BATCHING_THREADS, "1"))));
  }

  @AfterAll
  static void close() {
    if (twoThreads != null) {
      twoThreads.close();
    }
    for (BgeBackend b : new BgeBackend[] {oneThread, twoTorchThreads, oneTorchThread}) {
      if (b != null) {
        b.close();
      }
    }
    fixture.close();
  }

  @Test
  void embed_callsOfManyTextsOnTwoThreads_everyVectorInItsPlaceAsOnOneThread() throws Exception {
    assertSameVectors(twoThreads, oneThread);
  }

  @Test
  void embed_callsOfManyTextsOnTwoPyTorchThreads_everyVectorInItsPlaceAsOnOneThread() throws Exception {
    assertSameVectors(twoTorchThreads, oneTorchThread);
    assertThat(twoTorchThreads.describe()).containsEntry("engine", InferEngine.PYTORCH.djlName());
  }

  private static void assertSameVectors(BgeBackend twoThreads, BgeBackend oneThread) throws Exception {
    // 40 texts a call: rounds of at most 16, so one call spans rounds that both threads may run at once.
    List<List<String>> inputs = IntStream.range(0, 4).mapToObj(call -> IntStream.range(0, 40)
        .mapToObj(i -> BgeFixture.SENTENCES.get((call + i) % BgeFixture.SENTENCES.size()) + " #" + i).toList()).toList();

    List<CompletableFuture<EmbeddingResult>> calls = new ArrayList<>();
    for (List<String> texts : inputs) {
      calls.add(twoThreads.embed(EmbeddingCall.of(texts)).toCompletableFuture());
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, SECONDS);

    for (int call = 0; call < inputs.size(); call++) {
      EmbeddingResult expected = embed(oneThread, EmbeddingCall.of(inputs.get(call)));
      List<float[]> got = calls.get(call).get().vectors();
      assertThat(got).hasSize(40);
      for (int i = 0; i < 40; i++) {
        assertThat(cosine(got.get(i), expected.vectors().get(i))).as("call %d text %d", call, i)
            .isGreaterThanOrEqualTo(0.999);
      }
      assertThat(calls.get(call).get().usage().promptTokens()).isEqualTo(expected.usage().promptTokens());
    }
  }

  @Test
  void describe_batchingThreadsAsAsked() {
    assertThat(twoThreads.describe()).containsEntry("batching_threads", 2);
    assertThat(oneThread.describe()).containsEntry("batching_threads", 1);
    assertThat(twoTorchThreads.describe()).containsEntry("batching_threads", 2);
  }

  @Test
  void batchingThreads_notAsked_onePerCpuThreadElseAsAsked() {
    BatchSettings auto = BatchSettings.DEFAULTS;
    BatchSettings three = new BatchSettings(32, 2, 14, 256, 3, true);

    assertThat(BgeBackend.batchingThreads(auto, 4)).isEqualTo(4);
    assertThat(BgeBackend.batchingThreads(auto, 0)).isEqualTo(1);
    assertThat(BgeBackend.batchingThreads(three, 1)).isEqualTo(3);
  }
}
