package io.byzerllm.lite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.Message;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The registry $LLM_HOME/models.json, its key files, and getSingleLlm over it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ModelRegistryTest {
  private static final String KEY = "sk-registry-0123456789abcdef";
  @TempDir Path home;

  private static RegisteredModel chat(String name, String baseUrl) {
    return new RegisteredModel(name, "deepseek-chat", "saas/openai", baseUrl, "api.deepseek.com", false, 8096);
  }

  @Test
  void add_withKey_keyFileOwnerOnly_registryHoldsNoKey() throws Exception {
    ModelRegistry registry = ModelRegistry.at(home);

    registry.add(chat("v3_chat", "https://api.deepseek.com/v1"), KEY);

    Path keyFile = home.resolve("keys").resolve("api.deepseek.com");
    assertThat(Files.readString(keyFile)).isEqualTo(KEY);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent()))).isEqualTo("rwx------");
    assertThat(Files.readString(registry.file())).contains("\"api_key_path\" : \"api.deepseek.com\"").doesNotContain(KEY);
    assertThat(registry.list()).containsExactly(chat("v3_chat", "https://api.deepseek.com/v1"));
  }

  @Test
  void add_existingName_replacesItsFields_keepsKeysWeDoNotKnow() throws Exception {
    Files.writeString(home.resolve("models.json"), """
        [{"name": "v3_chat", "model_name": "old", "model_type": "saas/openai", "base_url": "https://x/v1",
          "input_price": 2.0, "description": "DeepSeek V3"}]
        """);
    ModelRegistry registry = ModelRegistry.at(home);

    registry.add(new RegisteredModel("v3_chat", "deepseek-chat", "saas/openai", "https://api.deepseek.com/v1", null,
        false, null), null);

    assertThat(registry.list()).singleElement().satisfies(m -> assertThat(m.modelName()).isEqualTo("deepseek-chat"));
    assertThat(Files.readString(registry.file())).contains("\"input_price\" : 2.0").contains("DeepSeek V3");
  }

  @Test
  void remove_knownAndUnknownName_saysWhetherItRemovedOne() {
    ModelRegistry registry = ModelRegistry.at(home);
    registry.add(chat("a", "https://x/v1"), null);
    registry.add(chat("b", "https://x/v1"), null);

    assertThat(registry.remove("a")).isTrue();
    assertThat(registry.remove("a")).isFalse();
    assertThat(registry.list()).extracting(RegisteredModel::name).containsExactly("b");
  }

  @Test
  void add_unknownTypeOrKeyWithoutPath_failsNamingTheFix() {
    ModelRegistry registry = ModelRegistry.at(home);

    assertThatThrownBy(() -> registry.add(new RegisteredModel("x", "m", "saas/nope", "", null, false, null), null))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("saas/nope");
    assertThatThrownBy(() -> registry.add(new RegisteredModel("x", "m", "saas/openai", "", null, false, null), KEY))
        .hasMessageContaining("api_key_path").hasMessageNotContaining(KEY);
    assertThatThrownBy(() -> new RegisteredModel("x", "m", "saas/openai", "", "../etc/passwd", false, null))
        .hasMessageContaining("file name under $LLM_HOME/keys");
  }

  @Test
  void spec_reasoningEntry_reasoningTypeAndKeyFileNotKey() {
    ModelRegistry registry = ModelRegistry.at(home);
    registry.add(new RegisteredModel("r1", "deepseek-reasoner", "saas/openai", "https://api.deepseek.com/v1",
        "api.deepseek.com", true, null), KEY);

    ModelSpec spec = registry.spec(registry.get("r1"));

    assertThat(spec.pretrainedModelType()).isEqualTo(ModelType.SAAS_REASONING_OPENAI);
    assertThat(spec.inferParams()).containsEntry("saas.model", "deepseek-reasoner")
        .containsEntry("saas.api_key_file", home.resolve("keys/api.deepseek.com").toAbsolutePath().toString());
    assertThat(spec.toString()).doesNotContain(KEY);
  }

  @Test
  void getSingleLlm_severalNames_oneClientWithEach_firstIsDefault() {
    try (FakeOpenAiServer fake = FakeOpenAiServer.start()) {
      ModelRegistry registry = ModelRegistry.at(home);
      registry.add(chat("v3_chat", fake.baseUrl()), KEY);
      registry.add(new RegisteredModel("emb", "text-embedding-3-small", "saas/openai", fake.baseUrl(),
          "api.deepseek.com", false, null), null);

      try (ByzerLLM llm = registry.getSingleLlm("v3_chat, emb")) {
        assertThat(llm.defaultModel()).isEqualTo("v3_chat");
        assertThat(llm.models()).containsExactlyInAnyOrder("v3_chat", "emb");
        assertThat(llm.chatOai(List.of(Message.user("hi"))).get(0).output()).isEqualTo("echo: hi");
        assertThat(llm.embQuery("emb", "hi")).hasSize(8);
        assertThat(fake.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY));
      }
    }
  }

  @Test
  void getSingleLlm_singleName_sendsItsMaxOutputTokens() {
    try (FakeOpenAiServer fake = FakeOpenAiServer.start()) {
      ModelRegistry registry = ModelRegistry.at(home);
      registry.add(chat("v3_chat", fake.baseUrl()), KEY);

      try (ByzerLLM llm = registry.getSingleLlm("v3_chat")) {
        llm.chatOai(List.of(Message.user("hi")));
      }

      assertThat(fake.requests().get(0).json().path("max_tokens").asInt()).isEqualTo(8096);
    }
  }

  @Test
  void getSingleLlm_unknownNameOrMissingKey_failsSayingWhereToAddIt() {
    ModelRegistry registry = ModelRegistry.at(home);
    registry.add(chat("v3_chat", "https://api.deepseek.com/v1"), null);

    assertThatThrownBy(() -> registry.getSingleLlm("nope"))
        .hasMessageContaining("'nope' is not in the registry " + registry.file()).hasMessageContaining("[v3_chat]")
        .hasMessageContaining("llm models add");
    assertThatThrownBy(() -> registry.getSingleLlm("v3_chat"))
        .hasMessageContaining("API key file").hasMessageContaining("does not exist");
  }
}
