package io.byzerllm.worker.bge;

import static io.byzerllm.worker.bge.BgeFixture.cosine;
import static io.byzerllm.worker.bge.BgeFixture.embed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.worker.EmbeddingCall;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code bge.precision=int8}: the bundled bge-small-zh-v1.5 quantized at load, against its fp32 self. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BgeInt8Test {
  /** A small bilingual collection and queries, each query with one clearly relevant document. */
  static final List<String> DOCUMENTS = List.of(
      "北京是中华人民共和国的首都，也是全国的政治和文化中心。",
      "熊猫主要生活在中国四川的山区，以竹子为食。",
      "深度学习模型的训练需要大量的数据和 GPU 计算资源。",
      "The Eiffel Tower is a wrought-iron lattice tower in Paris, France.",
      "Photosynthesis lets plants turn sunlight, water and carbon dioxide into sugar.",
      "Java 17 introduced sealed classes and records became a permanent feature.",
      "今天的股市大幅上涨，科技股领涨。",
      "Regular exercise and a balanced diet help keep the heart healthy.");
  static final List<String> QUERIES = List.of(
      "中国的首都是哪里？", "大熊猫吃什么？", "训练神经网络需要什么？", "埃菲尔铁塔在哪个城市？",
      "how do plants make food from light", "Java 的新语言特性", "stock market news today", "如何保持心脏健康");

  private static BgeFixture fixture;
  private static BgeBackend fp32;
  private static BgeBackend int8;

  @BeforeAll
  static void load() {
    fixture = new BgeFixture();
    fp32 = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx", Map.of())));
    int8 = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "", Map.of("bge.precision", "int8"))));
  }

  @AfterAll
  static void close() {
    for (BgeBackend b : new BgeBackend[] {fp32, int8}) {
      if (b != null) {
        b.close();
      }
    }
    fixture.close();
  }

  @Test
  void open_int8_describedAsQuantizedOnOnnxRuntime() {
    assertThat(int8.describe()).containsEntry("precision", "int8").containsEntry("engine", "OnnxRuntime");
    assertThat((String) int8.describe().get("engine_detail")).contains("int8 MatMul weights");
    assertThat((Long) int8.describe().get("weights_bytes")).isLessThan((Long) fp32.describe().get("weights_bytes") * 2 / 3); // the vocabulary's embeddings stay fp32
  }

  @Test
  void embed_evaluationSentences_cosineToFp32AtLeast099() throws Exception {
    List<String> texts = new ArrayList<>(BgeFixture.SENTENCES);
    texts.addAll(DOCUMENTS);
    texts.addAll(QUERIES);
    List<float[]> exact = embed(fp32, EmbeddingCall.of(texts)).vectors();
    List<float[]> quantized = embed(int8, EmbeddingCall.of(texts)).vectors();

    for (int i = 0; i < texts.size(); i++) {
      assertThat(cosine(exact.get(i), quantized.get(i))).as(texts.get(i)).isGreaterThanOrEqualTo(0.99);
    }
  }

  @Test
  void embed_bilingualRetrieval_rankingSameAsFp32ExceptNearTies() throws Exception {
    double[][] exact = scores(fp32);
    double[][] quantized = scores(int8);

    for (int q = 0; q < QUERIES.size(); q++) {
      assertThat(ranking(exact[q]).get(0)).as("fp32 top document for " + QUERIES.get(q)).isEqualTo(q);
      // int8 activations are quantized per pass, so a vector moves a little with the texts it shares a pass with:
      // the relevant document stays first; the unrelated ones below it may only trade near-ties (checked next).
      assertThat(ranking(quantized[q]).get(0)).as(QUERIES.get(q)).isEqualTo(q);
      // Below the relevant documents, unrelated ones whose fp32 scores all but tie may trade places; no other pair may.
      for (int a = 0; a < DOCUMENTS.size(); a++) {
        for (int b = 0; b < DOCUMENTS.size(); b++) {
          if (exact[q][a] > exact[q][b] && quantized[q][a] < quantized[q][b]) {
            assertThat(exact[q][a] - exact[q][b]).as(QUERIES.get(q) + ": documents " + a + " and " + b + " swapped")
                .isLessThan(0.02);
          }
        }
      }
    }
  }

  @Test
  void open_int8OnPyTorch_refusedNamingTheParam() {
    assertThatThrownBy(() -> BgeBackend.open(fixture.context(BgeFixture.spec("", "transformers",
        Map.of("bge.precision", "int8"))))).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("bge.precision=int8").hasMessageContaining("--infer_backend");
    assertThatThrownBy(() -> BgeBackend.open(fixture.context(BgeFixture.spec("", "", Map.of("bge.precision", "fp8")))))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("auto, fp32, bf16 or int8");
  }

  /** Each query's similarity to each document, queries with the retrieval instruction as byzerllm's embed_query. */
  static double[][] scores(BgeBackend backend) throws Exception {
    List<float[]> docs = embed(backend, EmbeddingCall.of(DOCUMENTS)).vectors();
    List<float[]> queries = embed(backend, new EmbeddingCall(QUERIES, true, null, null)).vectors();
    double[][] out = new double[queries.size()][docs.size()];
    for (int q = 0; q < queries.size(); q++) {
      for (int d = 0; d < docs.size(); d++) {
        out[q][d] = cosine(queries.get(q), docs.get(d));
      }
    }
    return out;
  }

  /** Document indexes from the most to the least similar. */
  static List<Integer> ranking(double[] scores) {
    return IntStream.range(0, scores.length).boxed().sorted(Comparator.comparingDouble((Integer d) -> -scores[d])).toList();
  }
}
