package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import io.byzerllm.testkit.FakeClaudeServer;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm} commands run in-process against a real node whose saas/openai workers call a loopback fake. */
class LlmCommandIT {
  static final String KEY = "sk-test-cli-0123456789abcdef";
  static final String HEADER_SECRET = "hdr-cli-7f6e5d4c3b2a1908";

  @TempDir static Path home;
  static FakeOpenAiServer fake;
  static Node node;
  static Map<String, String> env;
  static final List<CliRun> runs = new ArrayList<>();

  @BeforeAll
  static void startNode() {
    fake = FakeOpenAiServer.start().requireApiKey(KEY);
    node = Node.start(NodeSettings.ephemeral(home));
    env = Map.of("LLM_HOME", home.toString(), "LLM_ADDRESS", node.httpUrl());
    CliRun deployed = run("deploy", "--model", "chat", "--infer_params", "saas.base_url=" + fake.baseUrl(),
        "saas.api_key=" + KEY, "saas.model=fake-model", "--num_workers", "2", "--worker-concurrency", "3");
    assertThat(deployed.exitCode()).as(deployed.err()).isZero();
  }

  @AfterAll
  static void stopNode() {
    try {
      if (node != null) {
        node.close();
        assertThat(node.whenTerminated().toCompletableFuture()).succeedsWithin(Duration.ofSeconds(30));
      }
    } finally {
      fake.close();
    }
    // nothing any command printed may hold the upstream key
    assertThat(runs).allSatisfy(r -> assertThat(r.all()).doesNotContain(KEY).doesNotContain(HEADER_SECRET));
  }

  static CliRun run(String... args) {
    CliRun r = CliRun.llm(env, args);
    synchronized (runs) {
      runs.add(r);
    }
    return r;
  }

  @Test
  void deploy_saasModel_printsRedactedSummaryAndWorkersReady() {
    CliRun r = run("deploy", "--model", "summary", "--infer_params", "saas.base_url=" + fake.baseUrl(),
        "saas.api_key=" + KEY, "saas.model=fake-model");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Model summary deployed successfully: 1 workers ready",
        "pretrained_model_type: saas/openai", "saas.api_key=***").doesNotContain(KEY);
  }

  @Test
  void deploy_credentialsInHeaders_echoMasksThemAndStatNeverShowsThem() {
    CliRun r = run("deploy", "--model", "headers", "--infer_params", "saas.base_url=" + fake.baseUrl(),
        "saas.api_key=" + KEY, "saas.headers.Authorization=Bearer " + HEADER_SECRET,
        "saas.headers.x-api-key=" + HEADER_SECRET, "saas.headers.X-Request-Source=cli-it");
    CliRun json = run("deploy", "--model", "headers_json", "--json", "--infer_params", "saas.base_url=" + fake.baseUrl(),
        "saas.api_key=" + KEY, "saas.headers.Authorization=Bearer " + HEADER_SECRET);
    CliRun stat = run("stat");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("saas.headers.Authorization=***", "saas.headers.x-api-key=***",
        "saas.headers.X-Request-Source=cli-it");
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(stat.exitCode()).as(stat.err()).isZero();
    assertThat(stat.out()).contains("headers");
    for (CliRun each : List.of(r, json, stat)) {
      assertThat(each.all()).doesNotContain(HEADER_SECRET);
    }
  }

  @Test
  void query_chatModel_printsTheAnswer() {
    CliRun r = run("query", "--model", "chat", "--query", "你好");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("echo: 你好" + System.lineSeparator());
  }

  @Test
  void query_stream_printsTheDeltasAsOneAnswer() {
    CliRun r = run("query", "--model", "chat", "--query", "one two three", "--stream");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("echo: one two three" + System.lineSeparator());
  }

  @Test
  void query_audioOutputFile_writesTheSpeechBytes() throws IOException {
    Path mp3 = home.resolve("out.mp3");

    CliRun r = run("query", "--model", "chat", "--query", "hello", "--output_file", mp3.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Files.readString(mp3, StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:alloy:hello");
    assertThat(r.out()).contains("wrote 21 bytes to " + mp3);
  }

  @Test
  void query_embeddingOnlyModel_printsTheQueryVector() {
    CliRun deployed = run("deploy", "--model", "emb", "--pretrained_model_type", "custom/bge");

    CliRun r = run("query", "--model", "emb", "--query", "你好");

    assertThat(deployed.exitCode()).as(deployed.err()).isZero();
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).matches("dim=512 \\[(-?\\d\\.\\d{4}, ){8}\\.\\.\\.\\]\\R");
    // No --cpus_per_worker, no --worker_concurrency: the engine computes on the node's cores and batches 32 calls.
    CliRun stat = run("stat", "--model", "emb");
    CliRun json = run("stat", "--json", "--model", "emb");
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(stat.out()).containsPattern("(OnnxRuntime fp32|PyTorch bf16), " + cores + " threads").contains("concurrency 32");
    assertThat(json.out()).contains("\"threads\" : " + cores, "\"worker_concurrency\" : 32");
    // bge.precision=auto: the format kept, and why (both figures where bf16 was raced, else why it was not).
    assertThat(json.out()).containsPattern("\"precision\" : \"(fp32|bf16)\"")
        .containsPattern("\"engine_choice\" : \"auto: [^\"]*(measured at load on|bf16 not tried)");
  }

  @Test
  void stat_deployedModel_tablePerWorkerWithBackend() {
    CliRun r = run("stat", "--model", "chat");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("chat (saas/openai): ready, 2/2 workers ready, concurrency 3",
        "upstream model fake-model", "can chat, stream, embedding, speech, transcription, image, vision", "MODEL",
        "IN_FLIGHT/PERMITS", "/3");
    assertThat(r.out().lines().filter(l -> l.startsWith("chat ") && l.contains("ready"))).hasSize(3);
  }

  @Test
  void stat_claudeDeployment_showsWhatItsTypeCanDo() {
    try (FakeClaudeServer claude = FakeClaudeServer.start().requireApiKey(KEY)) {
      CliRun deployed = run("deploy", "--model", "claude", "--pretrained_model_type", "saas/claude", "--infer_params",
          "saas.base_url=" + claude.baseUrl(), "saas.api_key=" + KEY, "saas.model=claude-test");
      assertThat(deployed.exitCode()).as(deployed.err()).isZero();

      CliRun stat = run("stat", "--model", "claude");
      CliRun query = run("query", "--model", "claude", "--query", "hello claude");
      run("undeploy", "--model", "claude");

      assertThat(stat.out()).contains("claude (saas/claude): ready", "can chat, stream, vision");
      assertThat(query.out()).contains("echo: hello claude");
      assertThat(claude.lastRequest().header("x-api-key")).isEqualTo(KEY);
    }
  }

  @Test
  void statJson_listsDeploymentsWithSecretsMasked() {
    CliRun r = run("stat", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"model\" : \"chat\"", "\"saas.api_key\" : \"***\"", "\"worker_concurrency\" : 3");
  }

  @Test
  void undeploy_twice_bothSucceedSecondSaysNothingToDo() {
    run("deploy", "--model", "temp", "--infer_params", "saas.base_url=" + fake.baseUrl(), "saas.api_key=" + KEY);

    CliRun first = run("undeploy", "--model", "temp");
    CliRun second = run("undeploy", "--model", "temp");

    assertThat(first.exitCode()).isZero();
    assertThat(first.out()).isEqualTo("undeployed temp" + System.lineSeparator());
    assertThat(second.exitCode()).isZero();
    assertThat(second.out()).isEqualTo("temp was not deployed; nothing to do" + System.lineSeparator());
  }

  @Test
  void deploy_nameTaken_oneErrorLineNamingReplace() {
    CliRun r = run("deploy", "--model", "chat", "--infer_params", "saas.base_url=" + fake.baseUrl(),
        "saas.api_key=" + KEY);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().lines().filter(l -> l.startsWith("error: "))).singleElement()
        .satisfies(l -> assertThat(l).contains("--replace"));
  }

  @Test
  void deploy_badFlagValue_usageErrorNamingTheFlag() {
    CliRun r = run("deploy", "--model", "bad", "--num_workers", "0");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: --num_workers must be >= 1 (got 0)");
  }

  @Test
  void unknownOption_oneErrorLineAndExit2() {
    CliRun r = run("deploy", "--model", "x", "--bogus");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).singleElement()
        .satisfies(l -> assertThat(l).startsWith("error: Unknown option: '--bogus'").contains("llm deploy --help"));
  }

  @Test
  void query_missingRequiredQuery_exit2() {
    CliRun r = run("query", "--model", "chat");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: Missing required option: '--query");
  }

  @Test
  void deployFile_envTemplates_filledAndFlagsWin(@TempDir Path dir) throws IOException {
    Path yaml = Files.writeString(dir.resolve("deploy.yaml"), String.join("\n",
        "model: ENV {{MODEL_NAME}}",
        "pretrained_model_type: saas/openai",
        "num_workers: 3",
        "infer_params:",
        "  saas.base_url: " + fake.baseUrl(),
        "  saas.api_key: ENV {{UPSTREAM_KEY}}",
        "  saas.model: from-file",
        ""));
    Map<String, String> withVars = Map.of("LLM_ADDRESS", node.httpUrl(), "LLM_HOME", home.toString(),
        "MODEL_NAME", "fromfile", "UPSTREAM_KEY", KEY);

    CliRun r = CliRun.llm(withVars, "deploy", "--file", yaml.toString(), "--num_workers", "1",
        "--infer_params", "saas.model=from-flag");
    runs.add(r);
    CliRun q = run("query", "--model", "fromfile", "--query", "file works");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Model fromfile deployed successfully: 1 workers ready", "saas.model=from-flag");
    assertThat(q.out()).isEqualTo("echo: file works" + System.lineSeparator());
  }

  @Test
  void models_listsDeployedModelsWithCapabilities() {
    CliRun r = run("models");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("MODEL", "chat", "saas/openai", "chat,");
  }

  @Test
  void serverStatus_oneNodeUpAsLeader() {
    CliRun r = run("server", "status");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains(node.clusterAddress() + " (leader)", node.httpUrl(), "up");
  }

  @Test
  void anyCommand_explicitAddressWithNoNode_exit3WithHowToStartOne() throws IOException {
    String nowhere = "http://127.0.0.1:" + freePort();

    CliRun r = run("stat", "--address", nowhere);
    CliRun stop = run("server", "stop", "--ray_address", nowhere);

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err().strip()).isEqualTo("error: no node answers at " + nowhere
        + "; start one with `llm server start` or pass --address");
    assertThat(stop.exitCode()).isEqualTo(3);
    assertThat(stop.err()).contains("nothing to stop");
  }

  @Test
  void verbose_failure_printsTheStackTraceToo() throws IOException {
    CliRun r = run("stat", "--address", "http://127.0.0.1:" + freePort(), "--verbose");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).startsWith("error: no node answers").contains("\tat io.byzerllm.client.");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
