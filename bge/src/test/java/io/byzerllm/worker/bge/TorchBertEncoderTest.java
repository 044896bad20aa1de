package io.byzerllm.worker.bge;

import static io.byzerllm.worker.bge.BgeFixture.cosine;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PyTorch forward pass on CPU in fp32 (runs on any CPU): Linear weights packed once for oneDNN, and a
 * text's pass spread over several intra-op threads for a text alone, against ONNX Runtime on the same export.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TorchBertEncoderTest {
  private static BgeTokenizer tokenizer;
  private static TorchBertEncoder torch;
  private static OnnxBertEncoder onnx;

  @BeforeAll
  static void load() {
    Path cache = BgeFixture.HOME.resolve("cache");
    DjlRuntime.prepare(cache);
    BgeModelFiles files = BgeModelFiles.resolve("", cache);
    tokenizer = BgeTokenizer.open(files.tokenizer(), BgeTokenizer.MAX_TOKENS);
    torch = TorchBertEncoder.load(BertWeights.load(files, cache), Device.cpu(), Precision.FP32);
    onnx = OnnxBertEncoder.load(files.onnx(), Device.cpu(), 1, "fp32");
  }

  @AfterAll
  static void close() {
    for (AutoCloseable c : new AutoCloseable[] {tokenizer, torch, onnx}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // the next one still closes
      }
    }
  }

  @Test
  void load_onCpu_linearWeightsPackedForOneDnnGiveOnnxRuntimesVectors() {
    TokenBatch batch = batch(BgeFixture.SENTENCES);

    float[][] mine = torch.clsStates(batch);
    float[][] expected = onnx.clsStates(batch);

    assertThat(torch.engineDescription()).contains("Linear weights packed for oneDNN");
    for (int i = 0; i < expected.length; i++) {
      assertThat(cosine(mine[i], expected[i])).as(BgeFixture.SENTENCES.get(i)).isGreaterThan(0.99999);
    }
  }

  @Test
  void spreadOver_textAlone_sameVectorAndTheCallersThreadCountSetBack() {
    int before = JniUtils.getNumThreads();
    BertEncoder alone = torch.spreadOver(before + 1);
    TokenBatch text = batch(List.of("向量数据库支持全文检索和向量检索。"));

    float[] spread = alone.clsStates(text)[0];

    assertThat(JniUtils.getNumThreads()).isEqualTo(before);
    assertThat(cosine(spread, torch.clsStates(text)[0])).isGreaterThan(0.999999);
    assertThat(alone.engineDescription()).endsWith("one pass over " + (before + 1) + " intra-op threads");
    assertThat(alone.weightsBytes()).as("it shares the encoder's weights").isZero();
    alone.close();
    assertThat(cosine(torch.clsStates(text)[0], spread)).as("closing it leaves the encoder open")
        .isGreaterThan(0.999999);
  }

  private static TokenBatch batch(List<String> texts) {
    return TokenBatch.of(texts.stream().map(tokenizer::encode).toList());
  }
}
