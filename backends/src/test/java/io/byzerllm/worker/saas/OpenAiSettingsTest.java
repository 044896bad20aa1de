package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.context;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.worker.ModelBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiSettingsTest {

  @Test
  void from_noKeyForRemoteProvider_failsSayingHowToPassOne() {
    ModelSpec spec = spec(Map.of("saas.base_url", "https://api.deepseek.com/v1"));

    assertThatThrownBy(() -> OpenAiSettings.from(spec))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("--infer_params saas.api_key=");
  }

  @Test
  void from_noParams_usesOpenAiDefaults() {
    OpenAiSettings s = OpenAiSettings.from(spec(Map.of("saas.api_key", TEST_KEY)));

    assertThat(s.baseUrl()).isEqualTo("https://api.openai.com/v1");
    assertThat(s.model()).isEqualTo("gpt-4o-mini");
    assertThat(s.embeddingModel()).isEqualTo("gpt-4o-mini");
    assertThat(s.sttModel()).isEqualTo("whisper-1");
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.timeoutText()).isEqualTo("120s");
    assertThat(s.maxRetries()).isEqualTo(2);
  }

  @Test
  void from_trailingSlashAndFractionalTimeout_areAccepted() {
    OpenAiSettings s = OpenAiSettings.from(spec(Map.of("saas.api_key", TEST_KEY,
        "saas.base_url", "https://api.deepseek.com/v1/", "saas.timeout", "2.5", "saas.model", "deepseek-chat")));

    assertThat(s.baseUrl()).isEqualTo("https://api.deepseek.com/v1");
    assertThat(s.endpoint("/chat/completions").toString()).isEqualTo("https://api.deepseek.com/v1/chat/completions");
    assertThat(s.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.timeoutText()).isEqualTo("2.5s");
    assertThat(s.model()).isEqualTo("deepseek-chat");
    assertThat(s.ttsModel()).isEqualTo("deepseek-chat");
  }

  @Test
  void from_malformedTimeout_namesTheParam() {
    assertThatThrownBy(() -> OpenAiSettings.from(spec(Map.of("saas.api_key", TEST_KEY, "saas.timeout", "soon"))))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("saas.timeout").hasMessageContaining("'soon'");
  }

  @Test
  void from_negativeRetries_namesTheParam() {
    assertThatThrownBy(() -> OpenAiSettings.from(spec(Map.of("saas.api_key", TEST_KEY, "saas.max_retries", "-1"))))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("saas.max_retries").hasMessageContaining("'-1'");
  }

  @Test
  void from_baseUrlNotHttp_namesTheParam() {
    assertThatThrownBy(() -> OpenAiSettings.from(spec(Map.of("saas.api_key", TEST_KEY, "saas.base_url", "api.openai.com"))))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("saas.base_url").hasMessageContaining("'api.openai.com'");
  }

  @Test
  void from_restrictedHeader_isRejected() {
    assertThatThrownBy(() -> OpenAiSettings.from(spec(Map.of("saas.api_key", TEST_KEY, "saas.headers.Host", "x"))))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("saas.headers.Host");
  }

  @Test
  void from_keyFileMissing_namesParamAndPath(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-key");

    assertThatThrownBy(() -> OpenAiSettings.from(spec(Map.of("saas.api_key_file", missing.toString()))))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("saas.api_key_file").hasMessageContaining(missing.toString());
  }

  @Test
  void open_keyFromFile_isSentAndRedacted(@TempDir Path dir) throws Exception {
    Path keyFile = Files.writeString(dir.resolve("key"), "  sk-from-file-77aa88bb\n");
    try (FakeOpenAiServer upstream = FakeOpenAiServer.start().requireApiKey("sk-from-file-77aa88bb");
         ModelBackend backend = SaasBackend.open(context(spec(Map.of(
             "saas.api_key_file", keyFile.toString(), "saas.base_url", upstream.baseUrl()))))) {

      String answer = await(backend.chat(userSays("hi"))).content();

      assertThat(answer).isEqualTo("echo: hi");
      assertThat(upstream.requests().get(0).header("Authorization")).isEqualTo("Bearer sk-from-file-77aa88bb");
      assertThat(OpenAiSettings.from(spec(Map.of("saas.api_key_file", keyFile.toString()))).redactor()
          .apply("key sk-from-file-77aa88bb leaked")).isEqualTo("key *** leaked");
    }
  }

  @Test
  void toStringAndDescribe_neverShowTheKey() {
    Map<String, String> params = new HashMap<>(Map.of("saas.api_key", "plainkey-without-shape",
        "saas.base_url", "https://api.moonshot.cn/v1", "saas.model", "moonshot-v1-8k"));
    try (ModelBackend backend = SaasBackend.open(context(spec(params)))) {

      String shown = backend + " " + backend.describe();

      assertThat(shown).doesNotContain("plainkey-without-shape").contains("moonshot-v1-8k");
      assertThat(backend.describe()).containsEntry("engine", "openai-compatible")
          .containsEntry("type", "saas/openai")
          .containsEntry("base_url", "https://api.moonshot.cn/v1")
          .containsEntry("upstream_model", "moonshot-v1-8k");
      assertThat(backend.capabilities()).containsExactlyInAnyOrder(Capability.values());
    }
  }

  @Test
  void isLoopback_localHosts_only() {
    assertThat(OpenAiSettings.isLoopback("http://127.0.0.1:11434/v1")).isTrue();
    assertThat(OpenAiSettings.isLoopback("http://localhost:8000/v1")).isTrue();
    assertThat(OpenAiSettings.isLoopback("http://[::1]:8000/v1")).isTrue();
    assertThat(OpenAiSettings.isLoopback("http://10.0.0.5:8000/v1")).isFalse();
    assertThat(OpenAiSettings.isLoopback("https://api.openai.com/v1")).isFalse();
  }

  private static ModelSpec spec(Map<String, String> params) {
    return ModelSpec.of("m", ModelType.SAAS_OPENAI, params);
  }
}
