package io.byzerllm.worker.bge;

import static io.byzerllm.worker.bge.BgeFixture.cosine;
import static io.byzerllm.worker.bge.BgeFixture.embed;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A --model_path in HuggingFace's layout (config.json, model.safetensors with {@code bert.}-prefixed
 * names, tokenizer.json), made here from the bundled bge-small-zh-v1.5 weights, runs on the PyTorch
 * engine and gives the vectors OnnxRuntime gives for the bundled export.
 */
class BgeHuggingFaceDirTest {
  @TempDir
  Path dir;

  @Test
  void open_huggingFaceDirectoryWithNoBackend_pyTorchFromSafetensorsMatchesOnnxRuntime() throws Exception {
    Path cache = BgeFixture.HOME.resolve("cache");
    BgeModelFiles bundled = BgeModelFiles.resolve("", cache);
    BertWeights weights = BertWeights.load(bundled, cache);
    SafetensorsFile.write(dir.resolve("model.safetensors"),
        weights.tensors().values().stream().map(t -> t.renamed("bert." + t.name())).toList(), Map.of("format", "pt"));
    Files.writeString(dir.resolve("config.json"),
        "{\"model_type\": \"bert\", \"num_attention_heads\": 8, \"layer_norm_eps\": 1e-12}");
    Files.copy(bundled.tokenizer(), dir.resolve("tokenizer.json"));
    EmbeddingCall call = EmbeddingCall.of(BgeFixture.SENTENCES);

    try (BgeFixture fixture = new BgeFixture();
         BgeBackend fromDir = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec(dir.toString(), "", Map.of())));
         BgeBackend reference = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "onnx", Map.of())))) {
      EmbeddingResult mine = embed(fromDir, call);
      EmbeddingResult expected = embed(reference, call);

      assertThat(fromDir.describe()).containsEntry("engine", "PyTorch").containsEntry("dimension", 512);
      assertThat((String) fromDir.describe().get("engine_choice")).contains("only engine");
      for (int i = 0; i < call.inputs().size(); i++) {
        assertThat(cosine(mine.vectors().get(i), expected.vectors().get(i))).isGreaterThanOrEqualTo(0.999);
      }
    }
  }

  @Test
  void halfToFloat_knownBitPatterns_decodeExactly() {
    assertThat(SafetensorsFile.halfToFloat((short) 0x3c00)).isEqualTo(1.0f);
    assertThat(SafetensorsFile.halfToFloat((short) 0xc000)).isEqualTo(-2.0f);
    assertThat(SafetensorsFile.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
    assertThat(SafetensorsFile.halfToFloat((short) 0x0001)).isEqualTo((float) Math.pow(2, -24));
    assertThat(SafetensorsFile.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
  }
}
