package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as scripts and people meet it: {@code --output json} that parses, progress and live
 * redraws shown to a person ({@code LLM_PROGRESS=always} stands in for a terminal) and absent when the
 * output is piped (a test's output is never a terminal).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CliOutputIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ESC = "\u001b[";

  @TempDir static Path home;
  static FakeOpenAiServer fake;
  static Node node;
  static Map<String, String> piped;
  static Map<String, String> terminal;

  @BeforeAll
  static void startNode() {
    fake = FakeOpenAiServer.start();
    node = Node.start(NodeSettings.ephemeral(home));
    piped = Map.of("LLM_HOME", home.toString(), "LLM_ADDRESS", node.httpUrl());
    Map<String, String> watched = new HashMap<>(piped);
    watched.put("LLM_PROGRESS", "always");
    terminal = Map.copyOf(watched);
    CliRun.ok(piped, "deploy", "--model", "out_chat", "--infer_params", "saas.base_url=" + fake.baseUrl(),
        "saas.model=fake-model", "--num_workers", "2");
  }

  @AfterAll
  static void stopNode() {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      fake.close();
    }
  }

  @Test
  void outputJson_statModelsServerStatus_eachPrintsOneParsableDocument() throws Exception {
    JsonNode stat = JSON.readTree(CliRun.ok(piped, "stat", "--output", "json").out());
    JsonNode models = JSON.readTree(CliRun.ok(piped, "models", "--output", "json").out());
    JsonNode status = JSON.readTree(CliRun.ok(piped, "server", "status", "--output", "json").out());

    assertThat(stat.isArray()).isTrue();
    assertThat(stat.findValuesAsText("model")).contains("out_chat");
    assertThat(stat.get(0).path("workers")).hasSize(2);
    assertThat(models.findValuesAsText("id")).contains("out_chat");
    assertThat(status.path("nodes")).hasSize(1);
    assertThat(status.path("nodes").get(0).path("http").asText()).isEqualTo(node.httpUrl());
  }

  @Test
  void outputText_stat_tableAsWithoutTheFlag() {
    CliRun text = CliRun.ok(piped, "stat", "--output", "text", "--model", "out_chat");

    assertThat(text.out()).contains("MODEL", "IN_FLIGHT/PERMITS", "out_chat (saas/openai)");
  }

  @Test
  void output_unknownFormat_oneLineErrorNamingTheChoices() {
    CliRun r = CliRun.llm(piped, "models", "--output", "yaml");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("--output", "text, json", "yaml");
  }

  @Test
  void statInterval_piped_framesFollowOneAnotherWithoutEscapes() {
    CliRun r = CliRun.ok(piped, "stat", "--interval", "1", "--count", "2", "--model", "out_chat");

    assertThat(r.out().lines().filter(l -> l.startsWith("-- "))).hasSize(2);
    assertThat(r.out()).doesNotContain(ESC);
  }

  @Test
  void statInterval_terminal_secondFrameRedrawsOverTheFirst() {
    CliRun r = CliRun.ok(terminal, "stat", "--interval", "1", "--count", "2", "--model", "out_chat");

    String[] frames = r.out().split(java.util.regex.Pattern.quote(ESC), -1);
    // frame 1, then "<lines>F" (cursor up over it), then "J" + frame 2 (cleared and drawn)
    assertThat(frames).hasSize(3);
    long linesOfFirst = frames[0].chars().filter(c -> c == '\n').count();
    assertThat(frames[1]).isEqualTo(linesOfFirst + "F");
    assertThat(frames[2]).startsWith("J-- ").contains("out_chat");
  }

  @Test
  void deploy_terminal_progressLineOnStderrThenCleared() {
    CliRun r = CliRun.ok(terminal, "deploy", "--model", "out_progress", "--infer_params",
        "saas.base_url=" + fake.baseUrl(), "saas.model=fake-model");

    assertThat(r.err()).contains("\rdeploying out_progress: waiting for 1 worker(s) of saas/openai, 0s");
    assertThat(r.err()).endsWith("\r");
    assertThat(r.out()).contains("Model out_progress deployed successfully").doesNotContain("\r");
  }

  @Test
  void deploy_piped_noProgressLine() {
    CliRun r = CliRun.ok(piped, "deploy", "--model", "out_quiet", "--infer_params",
        "saas.base_url=" + fake.baseUrl(), "saas.model=fake-model");

    assertThat(r.all()).doesNotContain("\r").doesNotContain("waiting for");
  }

  @Test
  void storageImport_terminalThenPiped_progressOnlyWhenWatched() throws Exception {
    CliRun.ok(piped, "storage", "start", "--cluster", "out_store");
    Path file = home.resolve("rows.jsonl");
    List<String> lines = new ArrayList<>();
    lines.add(TableLines.header(new TableLines.Header("db", "docs", List.of(
        Map.of("name", "_id", "type", "LONG"), Map.of("name", "content", "type", "STRING")))));
    for (int i = 0; i < 1203; i++) {
      lines.add(JSON.writeValueAsString(Map.of("_id", i, "content", "row " + i)));
    }
    Files.write(file, lines);

    CliRun watched = CliRun.ok(terminal, "storage", "import", "--cluster", "out_store", "--input", file.toString());
    CliRun quiet = CliRun.ok(piped, "storage", "import", "--cluster", "out_store", "--table", "again",
        "--input", file.toString());

    assertThat(watched.err()).contains("\rimporting into out_store.db.docs: 500 rows (~",
        "\rimporting into out_store.db.docs: 1000 rows (~", "1203 rows; committing");
    assertThat(watched.out()).contains("imported 1203 rows into out_store.db.docs");
    assertThat(quiet.all()).doesNotContain("\r").doesNotContain("importing into");
    assertThat(quiet.out()).contains("imported 1203 rows into out_store.db.again");
    CliRun.ok(piped, "storage", "stop", "--cluster", "out_store");
  }
}
