package io.byzerllm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecFieldsTest {

  @Test
  void toSpec_byzerllmDefaults_applied() {
    ModelSpec spec = SpecFields.toSpec(Map.of("model", "emb", "pretrained_model_type", "custom/bge"));

    assertThat(spec.numWorkers()).isEqualTo(1);
    assertThat(spec.workerConcurrency()).isEqualTo(32);
    assertThat(spec.cpusPerWorker()).isEqualTo(0.01);
    assertThat(spec.gpusPerWorker()).isZero();
    assertThat(spec.placement()).isEqualTo(PlacementStrategy.SPREAD);
  }

  @Test
  void toSpec_saasWithoutConcurrency_keepsByzerllmsOne() {
    ModelSpec spec = SpecFields.toSpec(Map.of("model", "chat"));

    assertThat(spec.workerConcurrency()).isEqualTo(1);
  }

  @Test
  void toSpec_bgeWithConcurrencyGiven_keepsTheUsersValue() {
    ModelSpec spec = SpecFields.toSpec(Map.of("model", "emb", "pretrained_model_type", "custom/bge",
        "worker_concurrency", 4));

    assertThat(spec.workerConcurrency()).isEqualTo(4);
  }

  @Test
  void toSpec_bgePrecisionUnknown_refusedInOneLineListingTheValues() {
    assertThatThrownBy(() -> SpecFields.toSpec(Map.of("model", "emb", "pretrained_model_type", "custom/bge",
        "infer_params", Map.of("bge.precision", "fp16")))).isInstanceOf(InvalidSpecException.class)
        .hasMessage("--infer_params bge.precision must be auto, fp32, bf16 or int8 (got 'fp16')");
    assertThat(SpecFields.toSpec(Map.of("model", "emb", "pretrained_model_type", "custom/bge",
        "infer_params", Map.of("bge.precision", "bf16"))).param("bge.precision", "auto")).isEqualTo("bf16");
    // Another type's params are its own business.
    assertThat(SpecFields.toSpec(Map.of("model", "chat", "infer_params", Map.of("bge.precision", "fp16")))).isNotNull();
  }

  @Test
  void engineThreads_bgeWithoutCpus_followsTheNodesFreeCores() {
    ModelSpec spec = SpecFields.toSpec(Map.of("model", "emb", "pretrained_model_type", "custom/bge"));

    assertThat(spec.engineThreads(8, 1)).isEqualTo(8);
    assertThat(spec.engineThreads(1.98, 1)).isEqualTo(2);
    assertThat(spec.engineThreads(5.4, 1)).isEqualTo(5);
    assertThat(spec.engineThreads(8, 2)).isEqualTo(4);
    assertThat(spec.engineThreads(0.3, 1)).isEqualTo(1);
  }

  @Test
  void engineThreads_cpusGiven_followsTheClaimNotTheNode() {
    ModelSpec bge = SpecFields.toSpec(Map.of("model", "emb", "pretrained_model_type", "custom/bge",
        "cpus_per_worker", 2));
    ModelSpec saas = SpecFields.toSpec(Map.of("model", "chat"));

    assertThat(bge.engineThreads(16, 1)).isEqualTo(2);
    assertThat(saas.engineThreads(16, 1)).isEqualTo(1);
  }

  @Test
  void toSpec_kebabKeysAndInferParamTokens_understood() {
    ModelSpec spec = SpecFields.toSpec(Map.of("model", "chat", "num-workers", "2",
        "infer_params", List.of("saas.model=deepseek-chat", "saas.base_url='https://x.test/v1'")));

    assertThat(spec.numWorkers()).isEqualTo(2);
    assertThat(spec.inferParams()).containsEntry("saas.model", "deepseek-chat")
        .containsEntry("saas.base_url", "https://x.test/v1");
  }

  @Test
  void toSpec_badValues_errorsNameTheFlag() {
    assertThatThrownBy(() -> SpecFields.toSpec(Map.of("model", "m", "num_workers", "two")))
        .hasMessageContaining("--num_workers");
    assertThatThrownBy(() -> SpecFields.toSpec(Map.of("model", "m", "worker_concurrency", 0)))
        .hasMessageContaining("--worker_concurrency must be >= 1");
    assertThatThrownBy(() -> SpecFields.toSpec(Map.of("model", "m", "pretrained_model_type", "custom/llama2")))
        .hasMessageContaining("saas/openai");
    assertThatThrownBy(() -> SpecFields.toSpec(Map.of("model", "m", "infer_params", List.of("novalue"))))
        .hasMessageContaining("key=value");
    assertThatThrownBy(() -> SpecFields.toSpec(Map.of("model", "m", "colour", "red")))
        .hasMessageContaining("unknown deployment field 'colour'");
  }

  @Test
  void redacted_secretParams_masked() {
    ModelSpec spec = SpecFields.toSpec(Map.of("model", "m",
        "infer_params", Map.of("saas.api_key", "sk-secret-123456", "saas.model", "x", "saas.max_output_tokens", "10")));

    assertThat(SpecFields.toRedactedFields(spec).toString()).doesNotContain("sk-secret-123456").contains("***");
    assertThat(spec.toString()).doesNotContain("sk-secret-123456");
    assertThat(spec.redacted().inferParams()).containsEntry("saas.max_output_tokens", "10");
  }

  @Test
  void deployFile_envTemplates_filledFromTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("deploy.yaml");
    Files.writeString(file, """
        model: ENV {{MODEL_NAME}}
        num_workers: 2
        infer_params:
          saas.api_key: ENV {{KEY}}
        """);

    Map<String, Object> fields = DeployFile.read(file, Map.of("MODEL_NAME", "chat", "KEY", "k-123"));
    ModelSpec spec = SpecFields.toSpec(fields);

    assertThat(spec.model()).isEqualTo("chat");
    assertThat(spec.numWorkers()).isEqualTo(2);
    assertThat(spec.inferParams()).containsEntry("saas.api_key", "k-123");
    assertThatThrownBy(() -> DeployFile.read(file, Map.of())).hasMessageContaining("MODEL_NAME is not set");
  }

  @Test
  void redactor_knownSecretsAndKeyShapes_removed() {
    Redactor r = Redactor.of(List.of("my-own-secret-value"));

    assertThat(r.apply("key my-own-secret-value and sk-abcdef123456 and Bearer tok.en-123456"))
        .isEqualTo("key *** and *** and Bearer ***");
  }

  @Test
  void toSpec_fallbacksAsListOrFlagStyleString_keptInOrderAndListed() {
    ModelSpec fromYaml = SpecFields.toSpec(Map.of("model", "chat", "fallbacks", List.of("m2", "m3")));
    ModelSpec fromFlag = SpecFields.toSpec(Map.of("model", "chat", "fallback", "m2, m3"));

    assertThat(fromYaml.fallbacks()).containsExactly("m2", "m3");
    assertThat(fromFlag.fallbacks()).containsExactly("m2", "m3");
    assertThat(SpecFields.toRedactedFields(fromYaml)).containsEntry("fallbacks", List.of("m2", "m3"));
    assertThat(SpecFields.toRedactedFields(SpecFields.toSpec(Map.of("model", "chat")))).doesNotContainKey("fallbacks");
  }

  @Test
  void toSpec_fallbackToItselfOrTwice_refusedNamingTheFlag() {
    assertThatThrownBy(() -> SpecFields.toSpec(Map.of("model", "chat", "fallbacks", List.of("chat"))))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("--fallback 'chat' is the model itself");
    assertThatThrownBy(() -> SpecFields.toSpec(Map.of("model", "chat", "fallbacks", List.of("m2", "m2"))))
        .hasMessageContaining("given twice");
  }
}
