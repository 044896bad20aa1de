package io.byzerllm.worker.bge;

import static io.byzerllm.worker.bge.BgeFixture.cosine;
import static io.byzerllm.worker.bge.BgeFixture.embed;
import static io.byzerllm.worker.bge.BgeFixture.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.byzerllm.worker.EmbeddingCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bge.precision=bf16} and {@code auto} on the bundled bge-small-zh-v1.5, against fp32 OnnxRuntime. Needs a CPU
 * with avx512_bf16 or amx_bf16 (the refusal elsewhere is {@link EngineChoiceTest}'s); skipped without one.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BgeBf16Test {
  private static BgeFixture fixture;
  private static BgeBackend fp32;
  private static BgeBackend bf16;

  @BeforeAll
  static void load() {
    assumeTrue(CpuFlags.detect().hasBf16(), "this CPU has neither avx512_bf16 nor amx_bf16");
    fixture = new BgeFixture();
    fp32 = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx", Map.of())));
    bf16 = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "", Map.of("bge.precision", "bf16"))));
  }

  @AfterAll
  static void close() {
    BgeFixture.closeAll(fixture, fp32, bf16);
  }

  @Test
  void open_bf16_describedAsPyTorchWithHalfSizeLayerWeights() {
    assertThat(bf16.describe()).containsEntry("precision", "bf16").containsEntry("engine", "PyTorch");
    assertThat((String) bf16.describe().get("engine_detail")).contains("bf16 matrix multiplies")
        .contains("Linear weights packed for oneDNN");
    assertThat((String) bf16.describe().get("engine_choice")).contains("bge.precision=bf16").contains("avx512_bf16");
    // The layers' 15M parameters halve; the 11M of the vocabulary's embeddings stay fp32.
    assertThat((Long) bf16.describe().get("weights_bytes")).isBetween(60_000_000L, 80_000_000L);
  }

  @Test
  void embed_evaluationSentences_cosineToFp32AtLeast0995() throws Exception {
    List<String> texts = new ArrayList<>(BgeFixture.SENTENCES);
    texts.addAll(BgeInt8Test.DOCUMENTS);
    texts.addAll(BgeInt8Test.QUERIES);
    texts.add("向量检索".repeat(150)); // truncated at 512 tokens: the longest pass
    List<float[]> exact = embed(fp32, EmbeddingCall.of(texts)).vectors();
    List<float[]> half = embed(bf16, EmbeddingCall.of(texts)).vectors();

    double least = 1;
    for (int i = 0; i < texts.size(); i++) {
      assertThat(norm(half.get(i))).isCloseTo(1.0, within(1e-4));
      double c = cosine(exact.get(i), half.get(i));
      least = Math.min(least, c);
      assertThat(c).as(texts.get(i)).isGreaterThanOrEqualTo(0.995);
    }
    System.out.printf("bf16 vs fp32: least cosine %.5f over %d texts%n", least, texts.size());
  }

  @Test
  void embed_bilingualRetrieval_rankingSameAsFp32() throws Exception {
    double[][] exact = BgeInt8Test.scores(fp32);
    double[][] half = BgeInt8Test.scores(bf16);

    for (int q = 0; q < BgeInt8Test.QUERIES.size(); q++) {
      assertThat(BgeInt8Test.ranking(exact[q]).get(0)).as("fp32 top document").isEqualTo(q);
      assertThat(BgeInt8Test.ranking(half[q])).as(BgeInt8Test.QUERIES.get(q)).isEqualTo(BgeInt8Test.ranking(exact[q]));
    }
  }

  @Test
  void open_auto_keepsTheFasterAndSaysWhyWithBothFigures() {
    BgeBackend auto = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "", Map.of())));
    try {
      Map<String, Object> d = auto.describe();
      String reason = (String) d.get("engine_choice");
      System.out.println("bge.precision=auto: " + reason);

      assertThat(reason).containsPattern("bf16 PyTorch \\d+\\.\\d\\d ms/sentence, fp32 OnnxRuntime \\d+\\.\\d\\d ms/sentence");
      if (d.get("precision").equals("bf16")) {
        assertThat(d).containsEntry("engine", "PyTorch");
        assertThat(reason).startsWith("auto: bf16 PyTorch").contains("bge.precision=fp32 forces fp32");
      } else {
        assertThat(d).containsEntry("precision", "fp32").containsEntry("engine", "OnnxRuntime");
        assertThat(reason).startsWith("auto: fp32 OnnxRuntime");
      }
    } finally {
      auto.close();
    }
  }
}
