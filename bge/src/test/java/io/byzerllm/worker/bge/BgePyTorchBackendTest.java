package io.byzerllm.worker.bge;

import static io.byzerllm.worker.bge.BgeFixture.cosine;
import static io.byzerllm.worker.bge.BgeFixture.embed;
import static io.byzerllm.worker.bge.BgeFixture.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bge-small-zh-v1.5 on the PyTorch engine (the BERT forward pass as one TorchScript call over the
 * weights read from the bundled ONNX export) against the same model on OnnxRuntime.
 */
class BgePyTorchBackendTest {
  private static BgeFixture fixture;
  private static BgeBackend torch;
  private static BgeBackend onnx;

  @BeforeAll
  static void load() {
    fixture = new BgeFixture();
    torch = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "transformers", Map.of())));
    onnx = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("bundled:bge-small-zh-v1.5", "onnx", Map.of())));
  }

  @AfterAll
  static void close() {
    if (torch != null) {
      torch.close();
    }
    if (onnx != null) {
      onnx.close();
    }
    fixture.close();
  }

  @Test
  void open_transformersBackend_runsOnPyTorchWithWeightsFromTheOnnxExport() {
    Map<String, Object> d = torch.describe();

    assertThat(d).containsEntry("engine", "PyTorch").containsEntry("model", "bge-small-zh-v1.5")
        .containsEntry("dimension", 512).containsEntry("device", "cpu()");
    assertThat((String) d.get("engine_detail")).contains("4 layers, 8 heads").contains("converted from model.onnx");
    // 24M float32 parameters.
    assertThat((Long) d.get("weights_bytes")).isBetween(90_000_000L, 100_000_000L);
  }

  @Test
  void embed_chineseAndEnglishSentences_pyTorchAgreesWithOnnxRuntime() throws Exception {
    EmbeddingCall call = EmbeddingCall.of(BgeFixture.SENTENCES);

    EmbeddingResult fromTorch = embed(torch, call);
    EmbeddingResult fromOnnx = embed(onnx, call);

    for (int i = 0; i < BgeFixture.SENTENCES.size(); i++) {
      assertThat(norm(fromTorch.vectors().get(i))).isCloseTo(1.0, within(1e-4));
      assertThat(cosine(fromTorch.vectors().get(i), fromOnnx.vectors().get(i)))
          .as("cosine of PyTorch and OnnxRuntime vectors for '%s'", BgeFixture.SENTENCES.get(i)).isGreaterThanOrEqualTo(0.999);
    }
    assertThat(fromTorch.usage()).isEqualTo(fromOnnx.usage());
  }

  @Test
  void embed_textsOfDifferentLengthsInOnePass_eachAsItsVectorAlone() throws Exception {
    // One call's texts share a pass whatever their lengths: the pass packs real tokens, so padding must not leak in.
    long passesBefore = torch.forwardPasses();
    EmbeddingResult together = embed(torch, EmbeddingCall.of(BgeFixture.SENTENCES));

    assertThat(torch.forwardPasses() - passesBefore).isEqualTo(1);
    for (int i = 0; i < BgeFixture.SENTENCES.size(); i++) {
      float[] alone = BgeFixture.embedOne(torch, BgeFixture.SENTENCES.get(i));
      assertThat(cosine(together.vectors().get(i), alone))
          .as("'%s' in a pass with the others vs alone", BgeFixture.SENTENCES.get(i)).isGreaterThanOrEqualTo(0.99999);
    }
  }

  @Test
  void embed_maxPassTokensSmallerThanEachText_aRoundAndAPassPerText() throws Exception {
    BgeBackend small = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "transformers",
        Map.of("bge.max_pass_tokens", "1"))));
    try {
      List<String> texts = BgeFixture.SENTENCES.subList(0, 4);

      EmbeddingResult result = embed(small, EmbeddingCall.of(texts));

      assertThat(small.forwardPasses()).isEqualTo(4);
      assertThat(small.describe()).containsEntry("max_pass_tokens", 1).doesNotContainKey("pass_cost_tokens");
      EmbeddingResult together = embed(torch, EmbeddingCall.of(texts));
      for (int i = 0; i < texts.size(); i++) {
        assertThat(cosine(result.vectors().get(i), together.vectors().get(i))).isGreaterThanOrEqualTo(0.99999);
      }
    } finally {
      small.close();
    }
  }

  @Test
  void embed_truncatedInputOnPyTorch_agreesWithOnnxRuntime() throws Exception {
    EmbeddingCall call = EmbeddingCall.of(List.of("向量检索".repeat(150)));

    EmbeddingResult fromTorch = embed(torch, call);
    EmbeddingResult fromOnnx = embed(onnx, call);

    assertThat(fromTorch.truncatedInputs()).isEqualTo(1);
    assertThat(cosine(fromTorch.vectors().get(0), fromOnnx.vectors().get(0))).isGreaterThanOrEqualTo(0.999);
  }

  @Test
  void embed_queryOnPyTorch_agreesWithOnnxRuntimeAndDiffersFromDocument() throws Exception {
    EmbeddingCall query = new EmbeddingCall(List.of("如何申请护照？"), true, null, null);

    float[] fromTorch = embed(torch, query).vectors().get(0);
    float[] fromOnnx = embed(onnx, query).vectors().get(0);
    float[] document = embed(torch, EmbeddingCall.of(List.of("如何申请护照？"))).vectors().get(0);

    assertThat(cosine(fromTorch, fromOnnx)).isGreaterThanOrEqualTo(0.999);
    assertThat(cosine(fromTorch, document)).isLessThan(0.999);
  }
}
