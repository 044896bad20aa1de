package io.byzerllm.worker.bge;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.Vectors;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ModelBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the BGE tests share: a $LLM_HOME under target/ (the unpacked bundled models, converted
 * weights and DJL's native libraries are a cache like ~/.m2, kept between runs and removed by
 * {@code mvn clean}), specs, and cosine similarity.
 */
final class BgeFixture implements AutoCloseable {
  static final Path HOME = Path.of("target", "bge-test-home").toAbsolutePath();

  static {
    // DJL's cache directories are per process and the first backend to open sets it; pin it here so that a
    // test opening a backend under a @TempDir home cannot send the native libraries there.
    for (String name : new String[] {"DJL_CACHE_DIR", "ENGINE_CACHE_DIR"}) {
      if (System.getProperty(name) == null && System.getenv(name) == null) {
        System.setProperty(name, HOME.resolve("cache").resolve("djl").toString());
      }
    }
  }

  /** Chinese, English and mixed sentences of different lengths. */
  static final List<String> SENTENCES = List.of(
      "你好",
      "今天天气很好，我们去公园散步吧。",
      "北京是中华人民共和国的首都。",
      "深度学习需要大量的数据和计算资源。",
      "The quick brown fox jumps over the lazy dog.",
      "Embeddings map sentences to vectors so that similar meanings end up close together.",
      "混合 mixed 中英文 sentence with 数字 12345 and punctuation!?",
      "短");

  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  static ModelSpec spec(String modelPath, String backend, Map<String, String> inferParams) {
    return ModelSpec.of("emb", ModelType.CUSTOM_BGE, inferParams).withModelPath(modelPath, backend);
  }

  /** The blocking executor the fixture's backends get. */
  ExecutorService executor() {
    return executor;
  }

  BackendContext context(ModelSpec spec) {
    return context(spec, HOME);
  }

  BackendContext context(ModelSpec spec, Path home) {
    return new BackendContext(spec, 0, home, 1, List.of(), executor);
  }

  /** A context whose backend registers its meters in {@code meters}. */
  BackendContext context(ModelSpec spec, io.micrometer.core.instrument.MeterRegistry meters) {
    return new BackendContext(spec, 0, HOME, 1, List.of(), executor, meters);
  }

  /** A context for a worker that holds {@code cpuThreads} CPUs. */
  BackendContext context(ModelSpec spec, int cpuThreads) {
    return new BackendContext(spec, 0, HOME, cpuThreads, List.of(), executor);
  }

  static EmbeddingResult embed(ModelBackend backend, EmbeddingCall call) throws Exception {
    return backend.embed(call).toCompletableFuture().get(120, SECONDS);
  }

  /** Closes the backends that were opened (a skipped or failed set-up leaves some null), then the fixture. */
  static void closeAll(BgeFixture fixture, BgeBackend... backends) {
    for (BgeBackend b : backends) {
      if (b != null) {
        b.close();
      }
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  static float[] embedOne(ModelBackend backend, String text) throws Exception {
    return embed(backend, EmbeddingCall.of(List.of(text))).vectors().get(0);
  }

  static double cosine(float[] a, float[] b) {
    return Vectors.cosine(a, b);
  }

  static double norm(float[] v) {
    return Vectors.norm(v);
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(30, SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
