package io.byzerllm.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import io.byzerllm.testkit.FakeClaudeServer;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real in-process node whose saas/openai workers call a loopback fake upstream. */
class ByzerLLMNodeIT {
  static final String UPSTREAM_KEY = "sk-test-nodeit-0123456789";

  @TempDir static Path home;
  static FakeOpenAiServer fake;
  static FakeClaudeServer claude;
  static Node node;
  static ByzerLLM llm;

  @BeforeAll
  static void startNode() {
    fake = FakeOpenAiServer.start().requireApiKey(UPSTREAM_KEY);
    claude = FakeClaudeServer.start();
    node = Node.start(NodeSettings.ephemeral(home));
    llm = ByzerLLM.connect(node.httpUrl()).withApiKey(null);
    llm.deploy(saas("chat"));
    llm.deploy(ModelSpec.of("claude", ModelType.SAAS_CLAUDE, Map.of("saas.base_url", claude.baseUrl(),
        "saas.api_key", "sk-ant-test-nodeit-0123", "saas.model", "claude-fake")));
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
      claude.close();
    }
  }

  static ModelSpec saas(String name) {
    return ModelSpec.of(name, ModelType.SAAS_OPENAI, Map.of("saas.base_url", fake.baseUrl(),
        "saas.api_key", UPSTREAM_KEY, "saas.model", "fake-model"));
  }

  @Test
  void chatOai_deployedModel_answersTheEchoWithMetadata() {
    LLMResponse r = llm.withDefaultModel("chat").chatOai(List.of(Message.user("hello node"))).get(0);

    assertThat(r.output()).isEqualTo("echo: hello node");
    assertThat(r.requestId()).isNotBlank();
    assertThat(r.inputTokensCount()).isEqualTo(2);
    assertThat(r.generatedTokensCount()).isEqualTo(3);
    assertThat(r.finishReason()).isEqualTo("stop");
  }

  @Test
  void chatOai_toolLoopWithClaudeThinking_toAssistantMessageCarriesTheSignedBlocksBack() {
    claude.replyToolCall("mul", "{\"a\":6,\"b\":7}");
    Map<String, Object> config = Map.of(
        "tools", List.of(Map.of("type", "function", "function", Map.of("name", "mul",
            "parameters", Map.of("type", "object", "properties", Map.of())))),
        "thinking", Map.of("type", "enabled", "budget_tokens", 1024));
    LLMResponse first = llm.chatOai("claude", List.of(Message.user("6*7?")), config).get(0);

    List<Object> conversation = List.of(Message.user("6*7?"), first.toAssistantMessage(),
        Map.of("role", "tool", "tool_call_id", first.toolCalls().get(0).get("id"), "content", "42"));
    LLMResponse second = llm.chatOai("claude", conversation, config).get(0);

    assertThat(first.thinkingBlocks()).hasSize(2);
    assertThat(first.thinkingBlocks().get(0).get("signature")).asString().isNotEmpty();
    assertThat(first.thinkingBlocks().get(1)).containsEntry("type", "redacted_thinking");
    assertThat(second.output()).isEqualTo("echo: result 42");
    assertThat(claude.lastMessages().get(1).at("/content/0/signature").asText())
        .isEqualTo(first.thinkingBlocks().get(0).get("signature"));
  }

  @Test
  void chatOai_answerWithoutThinking_hasNoThinkingBlocks() {
    LLMResponse r = llm.chatOai("chat", List.of(Message.user("plain")), Map.of()).get(0);

    assertThat(r.thinkingBlocks()).isEmpty();
    assertThat(r.toAssistantMessage()).containsOnlyKeys("role", "content").containsEntry("content", "echo: plain");
  }

  @Test
  void chatOai_maxLength_reachesTheUpstreamAsMaxTokens() {
    llm.chatOai("chat", List.of(Message.user("limit me")), Map.of("max_length", 33));

    var sent = fake.requests().stream().filter(q -> q.path().endsWith("/chat/completions"))
        .filter(q -> q.body().contains("limit me")).reduce((a, b) -> b).orElseThrow().json();
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(33);
    assertThat(sent.path("model").asText()).isEqualTo("fake-model");
  }

  @Test
  void streamChatOai_deltaAndCumulative_agreeOnTheText() {
    String deltas;
    String last;
    try (ChatStream d = llm.streamChatOai("chat", List.of(Message.user("x y z")), true, Map.of())) {
      deltas = d.stream().map(StreamChunk::text).reduce("", String::concat);
    }
    try (ChatStream c = llm.streamChatOai("chat", List.of(Message.user("x y z")), false, Map.of())) {
      last = c.stream().reduce((a, b) -> b).orElseThrow().text();
    }

    assertThat(deltas).isEqualTo("echo: x y z");
    assertThat(last).isEqualTo("echo: x y z");
  }

  @Test
  void streamChatOai_unknownModel_throws404BeforeTheStreamStarts() {
    assertThatThrownBy(() -> llm.streamChatOai("no-such-model", List.of(Message.user("x")), true, Map.of()))
        .isInstanceOfSatisfying(LlmClientException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void streamChatOai_upstreamBreaksOff_iteratorThrowsTheUpstreamMessage() {
    fake.failMidStreamNext("upstream connection reset");

    try (ChatStream stream = llm.streamChatOai("chat", List.of(Message.user("a b c d e f")), true, Map.of())) {
      assertThatThrownBy(() -> stream.forEachRemaining(c -> { }))
          .isInstanceOf(LlmClientException.class).hasMessageContaining("upstream connection reset");
    }
  }

  @Test
  void embQuery_saasModel_returnsTheUpstreamVector() {
    float[] v = llm.withDefaultEmbModel("chat").embQuery("你好");
    List<float[]> docs = llm.embDocuments("chat", List.of("a", "b"));

    assertThat(v).hasSize(8);
    assertThat(docs).hasSize(2);
    assertThat(docs.get(0)).isNotEqualTo(docs.get(1));
  }

  @Test
  void speechTranscribeImage_throughTheNode_returnTheUpstreamContent() throws Exception {
    byte[] audio = llm.speech("chat", "hi", SpeechOptions.DEFAULTS);
    Path file = Files.write(home.resolve("clip.wav"), new byte[42]);
    Transcription heard = llm.transcribe("chat", file, TranscribeOptions.DEFAULTS);
    List<byte[]> images = llm.generateImage("chat", "a cat", ImageOptions.DEFAULTS);

    assertThat(new String(audio, StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:alloy:hi");
    assertThat(heard.text()).isEqualTo("heard 42 bytes");
    assertThat(images).singleElement().satisfies(png -> assertThat(png).startsWith((byte) 0x89, (byte) 'P'));
  }

  @Test
  void deploy_nameTaken_rejectedWith409NamingReplace() {
    llm.deploy(saas("taken"));

    assertThatThrownBy(() -> llm.deploy(saas("taken"))).isInstanceOfSatisfying(LlmClientException.class, e -> {
      assertThat(e.status()).isEqualTo(409);
      assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
      assertThat(e.getMessage()).contains("--replace");
    });
  }

  @Test
  void deploy_replaceTrue_swapsTheDeployment() {
    llm.deploy(saas("swapped"));

    DeploymentInfo info = llm.deploy(saas("swapped").withWorkers(2, 3), true);

    assertThat(info.numWorkers()).isEqualTo(2);
    assertThat(info.workerConcurrency()).isEqualTo(3);
    assertThat(info.readyWorkers()).isEqualTo(2);
  }

  @Test
  void undeploy_twice_removesOnceThenReportsNothingToDo() {
    llm.deploy(saas("gone"));

    boolean first = llm.undeploy("gone");
    boolean second = llm.undeploy("gone");

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(llm.isModelExist("gone")).isFalse();
  }

  @Test
  void chatOai_unknownModel_404ListsDeployedModels() {
    assertThatThrownBy(() -> llm.chatOai("nope", List.of(Message.user("x")), Map.of()))
        .isInstanceOfSatisfying(LlmClientException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
          assertThat(e.getMessage()).contains("nope", "chat");
        });
  }

  @Test
  void deployment_listed_secretsMaskedAndWorkersReady() {
    DeploymentInfo info = llm.deployment("chat");
    List<DeploymentInfo> all = llm.listDeployments();

    assertThat(info.pretrainedModelType()).isEqualTo("saas/openai");
    assertThat(info.inferParams()).containsEntry("saas.api_key", "***").containsEntry("saas.model", "fake-model");
    assertThat(info.workers()).singleElement().satisfies(w -> assertThat(w.state()).isEqualTo("ready"));
    assertThat(all).extracting(DeploymentInfo::model).contains("chat");
    assertThat(all.toString()).doesNotContain(UPSTREAM_KEY);
  }

  @Test
  void isModelExistAndModels_reflectTheDeployments() {
    assertThat(llm.isModelExist("chat")).isTrue();
    assertThat(llm.isModelExist("never-deployed")).isFalse();
    assertThat(llm.models()).contains("chat");
  }

  @Test
  void clusterAndHealth_oneNodeUp() {
    ClusterInfo cluster = llm.cluster();

    assertThat(llm.health()).isTrue();
    assertThat(cluster.nodes()).singleElement().satisfies(n -> {
      assertThat(n.status()).isEqualTo("up");
      assertThat(n.http()).isEqualTo(node.httpUrl());
      assertThat(n.resources().cpus()).isPositive();
    });
    assertThat(cluster.self()).isEqualTo(node.clusterAddress());
  }
}
