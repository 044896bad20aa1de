package io.byzerllm.worker.bge;

import static io.byzerllm.worker.bge.BgeFixture.cosine;
import static io.byzerllm.worker.bge.BgeFixture.embed;
import static io.byzerllm.worker.bge.BgeFixture.embedOne;
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

/** The second bundled model, bge-small-en-v1.5 (384 wide, 12 layers of 12 heads), on both engines. */
class BgeSmallEnTest {
  private static BgeFixture fixture;
  private static BgeBackend torch;
  private static BgeBackend onnx;

  @BeforeAll
  static void load() {
    fixture = new BgeFixture();
    torch = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("bundled:bge-small-en-v1.5", "pytorch", Map.of())));
    onnx = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("bundled:bge-small-en-v1.5", "onnx", Map.of())));
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
  void embed_englishAndChineseSentences_384WideUnitVectorsAgreeingAcrossEngines() throws Exception {
    EmbeddingCall call = EmbeddingCall.of(BgeFixture.SENTENCES);

    EmbeddingResult fromTorch = embed(torch, call);
    EmbeddingResult fromOnnx = embed(onnx, call);

    assertThat(torch.describe()).containsEntry("dimension", 384).containsEntry("model", "bge-small-en-v1.5");
    assertThat((String) torch.describe().get("engine_detail")).contains("12 layers, 12 heads");
    for (int i = 0; i < call.inputs().size(); i++) {
      assertThat(fromTorch.vectors().get(i)).hasSize(384);
      assertThat(norm(fromOnnx.vectors().get(i))).isCloseTo(1.0, within(1e-4));
      assertThat(cosine(fromTorch.vectors().get(i), fromOnnx.vectors().get(i))).isGreaterThanOrEqualTo(0.999);
    }
  }

  @Test
  void embed_similarQuestions_closerThanUnrelatedSentence() throws Exception {
    float[] a = embedOne(onnx, "How do I renew my passport?");
    float[] b = embedOne(onnx, "What is the process for renewing a passport?");
    float[] c = embedOne(onnx, "Bananas are rich in potassium.");

    assertThat(cosine(a, b)).isGreaterThan(cosine(a, c) + 0.05);
  }

  @Test
  void embed_queryTrue_prependsTheEnglishInstruction() throws Exception {
    String text = "passport renewal";

    float[] query = embed(onnx, new EmbeddingCall(List.of(text), true, null, null)).vectors().get(0);
    float[] manual = embedOne(onnx, "Represent this sentence for searching relevant passages: " + text);

    assertThat(cosine(query, manual)).isGreaterThan(0.9999);
    assertThat(cosine(query, embedOne(onnx, text))).isLessThan(0.999);
  }
}
