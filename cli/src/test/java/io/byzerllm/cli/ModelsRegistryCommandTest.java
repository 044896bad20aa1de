package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm models add|list|remove}: the registry under $LLM_HOME, with no node involved. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ModelsRegistryCommandTest {
  private static final String KEY = "sk-cli-registry-0123456789abcdef";
  @TempDir Path home;

  private Map<String, String> env() {
    return Map.of("LLM_HOME", home.toString());
  }

  @Test
  void add_thenList_thenRemove_editsTheRegistry_keyNeverPrinted() throws Exception {
    CliRun added = CliRun.ok(env(), "models", "add", "--name", "v3_chat", "--model_name", "deepseek-chat",
        "--base_url", "https://api.deepseek.com/v1", "--api_key_path", "api.deepseek.com", "--api_key", KEY,
        "--max_output_tokens", "8096");
    CliRun listed = CliRun.ok(env(), "models", "list");
    CliRun json = CliRun.ok(env(), "models", "list", "--json");
    CliRun removed = CliRun.ok(env(), "models", "remove", "--name", "v3_chat");
    CliRun empty = CliRun.ok(env(), "models", "list");

    assertThat(added.out()).contains("registered v3_chat (saas/openai, deepseek-chat) in " + home.resolve("models.json"))
        .contains("owner-only");
    assertThat(listed.out()).contains("registry: " + home.resolve("models.json"))
        .containsPattern("v3_chat\\s+saas/openai\\s+deepseek-chat\\s+https://api.deepseek.com/v1\\s+api.deepseek.com");
    assertThat(json.out()).contains("\"max_output_tokens\" : 8096");
    assertThat(removed.out()).startsWith("removed v3_chat");
    assertThat(empty.out()).contains("holds no models");
    assertThat(added.all() + listed.all() + json.all() + removed.all()).doesNotContain(KEY);
    Path keyFile = home.resolve("keys/api.deepseek.com");
    assertThat(Files.readString(keyFile)).isEqualTo(KEY);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
  }

  @Test
  void add_unknownType_failsNamingTheKnownTypes() {
    CliRun r = CliRun.llm(env(), "models", "add", "--name", "x", "--model_type", "saas/nope");

    assertThat(r.exitCode()).isNotZero();
    assertThat(r.err()).contains("saas/nope").contains("saas/openai");
  }

  @Test
  void list_keyFileMissing_saysSo() {
    CliRun.ok(env(), "models", "add", "--name", "x", "--api_key_path", "k.txt");

    assertThat(CliRun.ok(env(), "models", "list").out()).contains("k.txt (missing)");
  }
}
