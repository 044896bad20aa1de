package io.byzerllm.worker.bge;

import static io.byzerllm.worker.bge.BgeFixture.cosine;
import static io.byzerllm.worker.bge.BgeFixture.embed;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dynamic batching on the bundled bge-small-zh-v1.5: two workers of one deployment in this JVM
 * (which also proves they share one copy of the weights), one coalescing, one not.
 */
class BgeBatchingTest {
  private static final List<String> TEXTS = IntStream.range(0, 16)
      .mapToObj(i -> i % 2 == 0 ? "第" + i + "个句子：向量数据库支持相似度检索。"
          : "sentence number " + i + " is about batching")
      .toList();

  private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
  private static BgeFixture fixture;
  /**
   * Waits up to 1 s for a batch of 16 to fill once other calls are about, so that 16 concurrent calls meet in
   * few passes (the first may start alone, before the others are queued).
   */
  private static BgeBackend coalescing;
  /** max_wait_ms = 0: every call runs alone, texts of one call in passes of at most 16. */
  private static BgeBackend alone;

  @BeforeAll
  static void load() {
    fixture = new BgeFixture();
    coalescing = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx",
        Map.of(BatchSettings.MAX_BATCH_SIZE, "16", BatchSettings.MAX_WAIT_MS, "1000")), METERS));
    alone = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx",
        Map.of(BatchSettings.MAX_BATCH_SIZE, "16", BatchSettings.MAX_WAIT_MS, "0"))));
  }

  @AfterAll
  static void close() {
    if (coalescing != null) {
      coalescing.close();
    }
    if (alone != null) {
      alone.close();
    }
    fixture.close();
  }

  @Test
  void embed_16ConcurrentSingleTextCalls_fewerForwardPassesAndSameVectorsAsAlone() throws Exception {
    long before = coalescing.forwardPasses();
    DistributionSummary passSizes = METERS.get("llm.embedding.batch.size").tag("model", "emb").summary();
    long passesMetered = passSizes.count();
    double textsMetered = passSizes.totalAmount();

    List<CompletableFuture<EmbeddingResult>> calls = new ArrayList<>();
    for (String text : TEXTS) {
      calls.add(coalescing.embed(EmbeddingCall.of(List.of(text))).toCompletableFuture());
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, SECONDS);

    assertThat(coalescing.forwardPasses() - before).isLessThan(16);
    assertThat(passSizes.count() - passesMetered).isEqualTo(coalescing.forwardPasses() - before);
    assertThat(passSizes.totalAmount() - textsMetered).isEqualTo(16);
    for (int i = 0; i < TEXTS.size(); i++) {
      float[] batched = calls.get(i).get().vectors().get(0);
      float[] unbatched = embed(alone, EmbeddingCall.of(List.of(TEXTS.get(i)))).vectors().get(0);
      assertThat(cosine(batched, unbatched)).as("text %d", i).isGreaterThanOrEqualTo(0.999);
    }
  }

  @Test
  void embed_oneCallerAtATime_runsWithoutWaitingForCompany() throws Exception {
    BgeBackend patient = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx",
        Map.of(BatchSettings.MAX_BATCH_SIZE, "16", BatchSettings.MAX_WAIT_MS, "10000"))));
    try {
      for (String text : TEXTS.subList(0, 3)) {
        assertThat(embed(patient, EmbeddingCall.of(List.of(text))).vectors().get(0)).hasSize(512);
      }

      assertThat(patient.roundsThatWaited()).isZero();
      assertThat(patient.forwardPasses()).isEqualTo(3);
    } finally {
      patient.close();
    }
  }

  @Test
  void embed_oneCallOf40TextsOfOneLength_splitIntoPassesOf16InInputOrder() throws Exception {
    String common = "天地人日月山水火木金土风云雨雪花草树林石田江河湖海春夏秋冬东南西北中上下左右大小多";
    List<String> texts = IntStream.range(0, 40).mapToObj(i -> "文本" + common.charAt(i) + "号").toList();
    long before = alone.forwardPasses();

    EmbeddingResult r = embed(alone, EmbeddingCall.of(texts));

    assertThat(alone.forwardPasses() - before).isEqualTo(3);
    assertThat(r.vectors()).hasSize(40);
    float[] seventh = embed(alone, EmbeddingCall.of(List.of(texts.get(7)))).vectors().get(0);
    assertThat(cosine(r.vectors().get(7), seventh)).isGreaterThanOrEqualTo(0.999);
    assertThat(cosine(r.vectors().get(7), r.vectors().get(30))).isLessThan(0.999);
  }

  @Test
  void embed_oneShortAndOneLongText_runInSeparatePassesToAvoidPadding() throws Exception {
    long before = alone.forwardPasses();

    EmbeddingResult r = embed(alone, EmbeddingCall.of(List.of("短句", "很长的句子".repeat(40))));

    assertThat(alone.forwardPasses() - before).isEqualTo(2);
    assertThat(r.vectors()).hasSize(2);
  }

  @Test
  void close_whileACallWaitsForItsBatchToFill_callCompletesInsteadOfHanging() throws Exception {
    BgeBackend waiting = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx",
        Map.of(BatchSettings.MAX_BATCH_SIZE, "32", BatchSettings.MAX_WAIT_MS, "10000"))));
    CompletableFuture<EmbeddingResult> call = waiting.embed(EmbeddingCall.of(List.of("等待中的句子")))
        .toCompletableFuture();

    waiting.close();

    // Either the batcher had taken the text (it runs) or not yet (it fails as the worker shuts down).
    EmbeddingResult result = call.handle((r, error) -> r).get(120, SECONDS);
    if (result != null) {
      assertThat(result.vectors().get(0)).hasSize(512);
    } else {
      assertThatThrownBy(call::join).hasRootCauseInstanceOf(LlmException.class)
          .rootCause().satisfies(e -> assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.UNAVAILABLE));
    }
    assertThat(waiting.embed(EmbeddingCall.of(List.of("关闭之后"))).toCompletableFuture())
        .failsWithin(java.time.Duration.ofSeconds(60)).withThrowableThat().havingRootCause()
        .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE));
  }

  @Test
  void open_twoWorkersOfOneModel_shareOneCopyOfTheWeights() {
    assertThat(coalescing.describe()).containsEntry("weights_shared_by_workers", 2)
        .containsEntry("max_batch_size", 16).containsEntry("max_wait_ms", 1000);
    assertThat(alone.describe()).containsEntry("weights_shared_by_workers", 2).containsEntry("max_wait_ms", 0);
  }
}
