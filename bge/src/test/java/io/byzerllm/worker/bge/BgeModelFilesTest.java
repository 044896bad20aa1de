package io.byzerllm.worker.bge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.LlmException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What --model_path, --infer_backend and the bge.* infer params accept, and the errors for the rest. */
class BgeModelFilesTest {
  @TempDir
  Path home;

  private final BgeFixture fixture = new BgeFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void open_modelPathDoesNotExist_invalidSpecNamingThePath() {
    String missing = home.resolve("no-such-model").toString();

    assertThatThrownBy(() -> BgeBackend.open(fixture.context(BgeFixture.spec(missing, "", Map.of()), home)))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
          assertThat(e.getMessage()).contains("--model_path", missing, "does not exist", "*.onnx", "*.pt",
              "model.safetensors", "bundled:bge-small-en-v1.5");
        });
  }

  @Test
  void open_directoryOfOtherFiles_invalidSpecListingWhatWasFound() throws Exception {
    Path dir = Files.createDirectories(home.resolve("notes"));
    Files.writeString(dir.resolve("readme.txt"), "not a model");
    Files.writeString(dir.resolve("weights.bin"), "0101");

    assertThatThrownBy(() -> BgeBackend.open(fixture.context(BgeFixture.spec(dir.toString(), "", Map.of()), home)))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("holds no BGE model").hasMessageContaining("found: readme.txt, weights.bin");
  }

  @Test
  void open_onnxWithoutTokenizer_invalidSpec() throws Exception {
    Path dir = Files.createDirectories(home.resolve("half"));
    Files.writeString(dir.resolve("model.onnx"), "x");

    assertThatThrownBy(() -> BgeModelFiles.resolve(dir.toString(), home.resolve("cache")))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("found: model.onnx");
  }

  @Test
  void open_onnxFileThatIsNotAModel_invalidRequestNamingModelPath() throws Exception {
    Path dir = Files.createDirectories(home.resolve("broken"));
    Files.writeString(dir.resolve("model.onnx"), "not protobuf");
    Files.copy(BgeModelFiles.resolve("", BgeFixture.HOME.resolve("cache")).tokenizer(), dir.resolve("tokenizer.json"));

    assertThatThrownBy(() -> BgeBackend.open(fixture.context(BgeFixture.spec(dir.toString(), "onnx", Map.of()), home)))
        .isInstanceOfSatisfying(LlmException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
          assertThat(e.getMessage()).contains("--model_path", "model.onnx");
        });
  }

  @Test
  void open_unknownBundledName_invalidSpecListingBundledModels() {
    assertThatThrownBy(() -> BgeModelFiles.resolve("bundled:bge-large-xx", home.resolve("cache")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("bundled:bge-small-zh-v1.5, bundled:bge-small-en-v1.5");
  }

  @Test
  void open_unknownInferBackend_invalidSpecListingAcceptedWords() {
    assertThatThrownBy(() -> BgeBackend.open(fixture.context(BgeFixture.spec("", "tensorflow", Map.of()), home)))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("--infer_backend 'tensorflow'").hasMessageContaining("transformers, pytorch, onnx");
  }

  @Test
  void open_onnxBackendOnSafetensorsOnlyDirectory_invalidSpecSayingOnnxIsMissing() throws Exception {
    Path dir = Files.createDirectories(home.resolve("hf"));
    Files.writeString(dir.resolve("config.json"), "{}");
    Files.writeString(dir.resolve("model.safetensors"), "");
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    BgeModelFiles files = BgeModelFiles.resolve(dir.toString(), home.resolve("cache"));

    assertThatThrownBy(() -> EngineChoice.choose(files, InferEngine.ONNX, false, Precision.FP32, CpuFlags.detect()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("--infer_backend onnx needs an ONNX export");
    assertThat(EngineChoice.choose(files, null, false, Precision.FP32, CpuFlags.detect()).engine()).isEqualTo(InferEngine.PYTORCH);
  }

  @Test
  void open_badBatchParams_invalidSpecNamingTheParam() {
    assertThatThrownBy(() -> BgeBackend.open(fixture.context(
        BgeFixture.spec("", "", Map.of(BatchSettings.MAX_BATCH_SIZE, "lots")), home)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("bge.max_batch_size");
    assertThatThrownBy(() -> BgeBackend.open(fixture.context(
        BgeFixture.spec("", "", Map.of(BatchSettings.MAX_WAIT_MS, "-1")), home)))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("bge.max_wait_ms");
  }

  @Test
  void open_gpuAskedOnMachineWithoutCuda_failsWithClearError() {
    var spec = BgeFixture.spec("", "", Map.of()).withResources(1, 1);

    assertThatThrownBy(() -> BgeBackend.open(fixture.context(spec)))
        .hasMessageContaining("--gpus_per_worker").hasMessageContaining("no CUDA device")
        .hasMessageContaining("PYTORCH_LIBRARY_PATH").hasMessageContaining("PYTORCH_FLAVOR=cu128");
  }
}
