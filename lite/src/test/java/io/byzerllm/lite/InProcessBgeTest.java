package io.byzerllm.lite;

import static io.byzerllm.testkit.Vectors.cosine;
import static io.byzerllm.testkit.Vectors.norm;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.client.ByzerLLM;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * custom/bge in-process: with {@code byzerllm-bge} on the classpath, SimpleByzerLLM deploys the bundled
 * bge-small-zh-v1.5 (real weights) in this JVM and embeds through the client's API.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class InProcessBgeTest {
  /** Like the bge module's tests: unpacked weights and DJL's native libraries are a cache kept under target/. */
  static final Path HOME = Path.of("target", "bge-test-home").toAbsolutePath();

  static {
    // DJL reads its cache directories once per process; pin them under target/ before the first backend opens.
    for (String name : new String[] {"DJL_CACHE_DIR", "ENGINE_CACHE_DIR"}) {
      if (System.getProperty(name) == null && System.getenv(name) == null) {
        System.setProperty(name, HOME.resolve("cache").resolve("djl").toString());
      }
    }
  }

  static ByzerLLM llm;

  @BeforeAll
  static void deploy() {
    llm = SimpleByzerLLM.create(null, HOME).withDefaultEmbModel("emb");
    llm.deploy("", "custom/bge", "emb", Map.of());
  }

  @AfterAll
  static void close() {
    if (llm != null) {
      llm.close();
    }
  }

  @Test
  void embQuery_bundledBge_similarTextsCloserThanUnrelated() {
    List<float[]> v = llm.embDocuments("emb", List.of("你好", "您好", "量子计算机使用量子比特进行运算。"));
    float[] query = llm.embQuery("你好");

    assertThat(v).hasSize(3).allSatisfy(x -> assertThat(x).hasSize(512));
    assertThat(norm(v.get(0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(cosine(v.get(0), v.get(2)) + 0.05);
    assertThat(cosine(query, v.get(0))).as("a query gets BGE's retrieval instruction").isLessThan(0.999);
  }

  @Test
  void listModels_bge_embeddingOnly_workerComputesHere() {
    assertThat(llm.listModels()).singleElement().satisfies(m -> {
      assertThat(m.pretrainedModelType()).isEqualTo("custom/bge");
      assertThat(m.capabilities()).containsExactly("embedding");
    });
    assertThat(llm.deployment("emb").workers()).singleElement()
        .satisfies(w -> assertThat(w.node()).isEqualTo("in-process"));
  }
}
