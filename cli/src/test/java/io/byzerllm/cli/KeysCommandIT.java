package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm keys create|list|revoke} against a real node with a bootstrap key. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeysCommandIT {
  static final String NODE_KEY = "cli-keys-bootstrap-7f3a9c";
  @TempDir static Path home;
  static Node node;
  static Map<String, String> admin;

  @BeforeAll
  static void start() {
    node = Node.start(NodeSettings.ephemeral(home).withApiKey(NODE_KEY));
    admin = Map.of("LLM_HOME", home.toString(), "LLM_ADDRESS", node.httpUrl(), "LLM_API_KEY", NODE_KEY);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String field(String out, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\S+)$").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  @Test
  void keys_createListUseRevoke_keyShownOnlyAtCreation() {
    CliRun created = CliRun.ok(admin, "keys", "create", "--name", "ci-bot", "--model", "chat,embed", "--rpm", "30",
        "--max_concurrent", "2");
    String id = field(created.out(), "id");
    String key = field(created.out(), "key");
    Map<String, String> withKey = Map.of("LLM_HOME", home.toString(), "LLM_ADDRESS", node.httpUrl(), "LLM_API_KEY", key);

    CliRun listed = CliRun.ok(admin, "keys", "list");
    CliRun listedJson = CliRun.ok(admin, "keys", "list", "--json");
    CliRun used = CliRun.llm(withKey, "models");
    CliRun listAsInference = CliRun.llm(withKey, "keys", "list");
    CliRun revoked = CliRun.ok(admin, "keys", "revoke", id);
    CliRun usedAfter = CliRun.llm(withKey, "models");
    CliRun revokedAgain = CliRun.ok(admin, "keys", "revoke", id);

    assertThat(created.out()).contains("not shown again");
    assertThat(key).startsWith("llm-" + id + "-");
    assertThat(listed.out()).contains(id).contains("ci-bot").contains("inference").contains("chat,embed").contains("30");
    assertThat(listedJson.out()).contains("\"id\" : \"" + id + "\"").contains("\"max_concurrent\" : 2");
    assertThat(used.exitCode()).as(used.all()).isZero();
    assertThat(listAsInference.exitCode()).isEqualTo(1);
    assertThat(listAsInference.err()).contains("admin key");
    assertThat(revoked.out()).contains("revoked " + id + " on every node");
    assertThat(usedAfter.exitCode()).isEqualTo(1);
    assertThat(usedAfter.err()).contains("revoked API key");
    assertThat(revokedAgain.out()).contains("nothing to revoke");
    String secret = key.substring(key.lastIndexOf('-') + 1);
    for (CliRun r : new CliRun[] {listed, listedJson, used, listAsInference, revoked, usedAfter, revokedAgain}) {
      assertThat(r.all()).doesNotContain(secret).doesNotContain(NODE_KEY);
    }
  }

  @Test
  void keysCreate_adminFlag_keyMayManageKeys() {
    CliRun created = CliRun.ok(admin, "keys", "create", "--admin", "--name", "ops");
    Map<String, String> asAdmin = Map.of("LLM_HOME", home.toString(), "LLM_ADDRESS", node.httpUrl(),
        "LLM_API_KEY", field(created.out(), "key"));

    CliRun listed = CliRun.ok(asAdmin, "keys", "list");

    assertThat(listed.out()).contains(field(created.out(), "id")).contains("admin");
  }
}
