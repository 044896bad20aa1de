package io.byzerllm.worker.bge;

import static io.byzerllm.worker.bge.BgeFixture.cosine;
import static io.byzerllm.worker.bge.BgeFixture.embed;
import static io.byzerllm.worker.bge.BgeFixture.embedOne;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.worker.EmbeddingCall;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A text alone on an idle bf16 worker of two threads ({@code bge.precision=auto} whose race bf16 won, or
 * {@code bge.precision=bf16}): its pass runs over both threads ({@code bge.lone_pass}), every other pass on one
 * thread each, side by side. Needs a CPU with bf16 instructions.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BgeLonePassTest {
  private static BgeFixture fixture;
  private static BgeBackend auto;
  private static BgeBackend fp32;
  private static BgeBackend bf16;

  @BeforeAll
  static void load() {
    assumeTrue(CpuFlags.detect().hasBf16(), "this CPU has neither avx512_bf16 nor amx_bf16");
    fixture = new BgeFixture();
    auto = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "", Map.of()), 2));
    assumeTrue(auto.describe().get("precision").equals("bf16"), "the race at load kept fp32 on this machine");
    fp32 = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx", Map.of())));
    bf16 = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "", Map.of("bge.precision", "bf16")), 2));
  }

  @AfterAll
  static void close() {
    BgeFixture.closeAll(fixture, auto, fp32, bf16);
  }

  @Test
  void open_bf16OnTwoThreads_describesTheLonePass() {
    Map<String, Object> d = auto.describe();
    assertThat((String) d.get("lone_pass_engine")).contains("PyTorch").contains("bf16 matrix multiplies")
        .endsWith("one pass over 2 intra-op threads");
    assertThat((String) d.get("engine_choice")).endsWith("a text alone on an idle worker: its pass over 2 threads");
    assertThat((String) bf16.describe().get("lone_pass_engine")).endsWith("one pass over 2 intra-op threads");
  }

  @Test
  void embed_textAloneOnIdleWorker_aLonePassWithTheVectorOfABatchedPass() throws Exception {
    String text = "向量数据库支持全文检索和向量检索。";
    embedOne(auto, "短"); // a round that ends alone: another test's call may have come with company
    long before = (Long) auto.describe().get("lone_passes");

    float[] alone = embedOne(auto, text);

    assertThat((Long) auto.describe().get("lone_passes")).isEqualTo(before + 1);
    float[] batched = embed(bf16, EmbeddingCall.of(List.of(text, "短", "另一个句子"))).vectors().get(0);
    assertThat(cosine(alone, batched)).as("bf16's vector in a pass of three").isGreaterThan(0.9999);
    assertThat(cosine(alone, embedOne(fp32, text))).as("fp32 OnnxRuntime's vector").isGreaterThan(0.999);
  }

  @Test
  void embed_severalTextsInOneCall_runOnBf16() throws Exception {
    long lone = (Long) auto.describe().get("lone_passes");
    List<String> texts = BgeFixture.SENTENCES.subList(0, 3);

    List<float[]> vectors = embed(auto, EmbeddingCall.of(texts)).vectors();

    assertThat((Long) auto.describe().get("lone_passes")).isEqualTo(lone);
    List<float[]> half = embed(bf16, EmbeddingCall.of(texts)).vectors();
    for (int i = 0; i < texts.size(); i++) {
      assertThat(cosine(vectors.get(i), half.get(i))).as(texts.get(i)).isGreaterThan(0.99999);
    }
  }

  @Test
  void open_lonePassOff_everyPassOnBf16() throws Exception {
    BgeBackend off = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "",
        Map.of(BatchSettings.LONE_PASS, "off")), 2));
    try {
      assertThat(off.describe()).doesNotContainKey("lone_pass_engine").doesNotContainKey("lone_passes");
      float[] alone = embedOne(off, "短");
      assertThat(cosine(alone, embedOne(bf16, "短"))).isGreaterThan(0.9999);
    } finally {
      off.close();
    }
  }

  @Test
  void open_autoOnOneThread_noLonePassEncoder() {
    BgeBackend one = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "", Map.of()), 1));
    try {
      assertThat(one.describe()).doesNotContainKey("lone_pass_engine");
    } finally {
      one.close();
    }
  }

  @Test
  void open_lonePassUnknownWord_refusedNamingTheParamAndItsWords() {
    assertThatThrownBy(() -> BgeBackend.open(fixture.context(BgeFixture.spec("", "",
        Map.of(BatchSettings.LONE_PASS, "always")), 2)))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage("--infer_params bge.lone_pass must be auto or off (got 'always')");
  }
}
