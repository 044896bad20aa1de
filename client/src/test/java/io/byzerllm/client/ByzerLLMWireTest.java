package io.byzerllm.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.RecordedRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's wire format, spoken straight to an OpenAI-compatible upstream on loopback (the node
 * serves the same {@code /v1} API, so what passes here is what the node receives). What the client
 * does the same over either gateway (answers, streams, embeddings, media) is tested over both by
 * the lite module's {@code ClientContract}.
 */
class ByzerLLMWireTest {
  private FakeOpenAiServer fake;
  private ByzerLLM llm;

  @BeforeEach
  void start() {
    fake = FakeOpenAiServer.start();
    llm = ByzerLLM.connect(fake.baseUrl()).withApiKey(null).withDefaultModel("chat");
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private RecordedRequest lastRequest(String path) {
    return fake.requests().stream().filter(r -> r.path().endsWith(path)).reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void chatOai_mapConversation_returnsAnswerWithByzerllmMetadata() {
    List<LLMResponse> answers = llm.chatOai(List.of(Map.of("role", "user", "content", "hello there")));

    assertThat(answers).hasSize(1);
    LLMResponse r = answers.get(0);
    assertThat(r.output()).isEqualTo("echo: hello there");
    assertThat(r.requestId()).startsWith("chatcmpl-fake-");
    assertThat(r.metadata()).containsEntry("input_tokens_count", 2).containsEntry("generated_tokens_count", 3)
        .containsEntry("finish_reason", "stop").containsEntry("first_token_time", 0.0)
        .containsKeys("time_cost", "speed", "reasoning_content");
    assertThat(r.timeCost()).isPositive();
    assertThat(r.input()).containsEntry("model", "chat").containsEntry("stream", false);
  }

  @Test
  void chatOai_llmConfig_maxLengthSentAsMaxTokensAndOtherKeysPassThrough() {
    Map<String, Object> config = Map.of("max_length", 64, "temperature", 0.2, "gen.stop", List.of("###"),
        "seed", 7);

    llm.chatOai(List.of(Message.system("be brief"), Message.user("hi")), config);

    var sent = lastRequest("/chat/completions").json();
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(64);
    assertThat(sent.has("max_length")).isFalse();
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(sent.path("gen.stop").get(0).asText()).isEqualTo("###");
    assertThat(sent.path("seed").asInt()).isEqualTo(7);
    assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
  }

  @Test
  void chatOai_withMaxOutputLength_sendsMaxTokensOnlyWhenSet() {
    llm.chatOai(List.of(Message.user("a")));
    var plain = lastRequest("/chat/completions").json();

    llm.withMaxOutputLength(99).chatOai(List.of(Message.user("b")));
    var limited = lastRequest("/chat/completions").json();

    assertThat(plain.has("max_tokens")).isFalse();
    assertThat(limited.path("max_tokens").asInt()).isEqualTo(99);
  }

  @Test
  void chatOai_conversationMetadataKey_isNotSent() {
    llm.chatOai(List.of(Map.of("role", "user", "content", "x", "metadata", Map.of("k", "v"))));

    assertThat(lastRequest("/chat/completions").json().path("messages").get(0).has("metadata")).isFalse();
  }

  @Test
  void chatOai_explicitModel_winsOverConfigAndDefault() {
    llm.chatOai("explicit", List.of(Message.user("x")), Map.of("model", "from-config"));
    String explicit = lastRequest("/chat/completions").json().path("model").asText();

    llm.chatOai(List.of(Message.user("x")), Map.of("model", "from-config"));
    String fromConfig = lastRequest("/chat/completions").json().path("model").asText();

    assertThat(explicit).isEqualTo("explicit");
    assertThat(fromConfig).isEqualTo("from-config");
  }

  @Test
  void chatOai_noModelAnywhere_failsSayingHowToSetTheDefault() {
    ByzerLLM bare = ByzerLLM.connect(fake.baseUrl());

    assertThatThrownBy(() -> bare.chatOai(List.of(Message.user("x"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("withDefaultModel");
  }

  @Test
  void withDefaultModel_returnsCopy_originalUnchanged() {
    ByzerLLM bare = ByzerLLM.connect(fake.baseUrl());

    ByzerLLM configured = bare.withDefaultModel("m1");

    assertThat(configured.defaultModel()).isEqualTo("m1");
    assertThat(bare.defaultModel()).isNull();
  }

  @Test
  void publicApi_anyMethodReturningACopy_isNotNamedLikeASetter() {
    // byzerllm's setup_default_model_name mutates; a Java method of that name returning a copy would
    // compile on a line of its own and do nothing, so no copy-returning method may read as a setter
    var setterLike = java.util.Arrays.stream(ByzerLLM.class.getMethods())
        .filter(m -> m.getReturnType() == ByzerLLM.class && !java.lang.reflect.Modifier.isStatic(m.getModifiers()))
        .map(java.lang.reflect.Method::getName)
        .filter(name -> name.startsWith("set")).toList();

    assertThat(setterLike).isEmpty();
  }

  @Test
  void streamChatOai_asksForAStreamWithUsage_firstTokenTimed() {
    SingleOutputMeta last;
    try (ChatStream stream = llm.streamChatOai(List.of(Message.user("one two three")), true)) {
      last = stream.stream().reduce((a, b) -> b).orElseThrow().meta();
    }

    assertThat(last.firstTokenTime()).isPositive();
    var sent = lastRequest("/chat/completions").json();
    assertThat(sent.path("stream").asBoolean()).isTrue();
    assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void streamChatOai_reasoningInDeltaMode_reasoningComesAsDeltas() {
    fake.reasoning("think hard");

    StringBuilder thoughts = new StringBuilder();
    String firstThought;
    try (ChatStream stream = llm.streamChatOai(List.of(Message.user("q")), true)) {
      List<StreamChunk> all = stream.stream().toList();
      all.forEach(c -> thoughts.append(c.meta().reasoningContent()));
      firstThought = all.get(0).meta().reasoningContent();
    }

    assertThat(thoughts.toString()).isEqualTo("think hard");
    assertThat(firstThought).isEqualTo("think");
  }

  @Test
  void chatOai_answer429_throwsOverloadedWithRetryAfter() {
    fake.failNext(429, "too many requests", Map.of("Retry-After", "7"));

    assertThatThrownBy(() -> llm.chatOai(List.of(Message.user("x"))))
        .isInstanceOfSatisfying(LlmClientException.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
          assertThat(e.getMessage()).isEqualTo("too many requests");
        });
  }

  @Test
  void chatOai_keyRequiredButMissing_fails401_andKeyNeverInMessages() {
    fake.requireApiKey("sk-test-secret123456");

    Throwable missing = org.assertj.core.api.Assertions.catchThrowable(() -> llm.chatOai(List.of(Message.user("x"))));
    ByzerLLM wrongKey = llm.withApiKey("sk-test-wrong9876543");
    Throwable wrong = org.assertj.core.api.Assertions.catchThrowable(() -> wrongKey.chatOai(List.of(Message.user("x"))));
    String ok = llm.withApiKey("sk-test-secret123456").chatOai(List.of(Message.user("x"))).get(0).output();

    assertThat(missing).isInstanceOf(LlmClientException.class);
    assertThat(((LlmClientException) missing).status()).isEqualTo(401);
    assertThat(wrong.getMessage()).doesNotContain("sk-test-wrong9876543");
    assertThat(wrongKey.toString()).doesNotContain("sk-test-wrong9876543").contains("apiKey=***");
    assertThat(ok).isEqualTo("echo: x");
  }

  @Test
  void anyCall_nothingListening_failsWithNoAnswerAndHowToStartANode() throws IOException {
    int freePort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      freePort = s.getLocalPort();
    }
    ByzerLLM nowhere = ByzerLLM.connect("http://127.0.0.1:" + freePort);

    assertThat(nowhere.health()).isFalse();
    assertThatThrownBy(nowhere::listDeployments).isInstanceOfSatisfying(LlmClientException.class, e -> {
      assertThat(e.noAnswer()).isTrue();
      assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
      assertThat(e.getMessage()).contains("no node answers at http://127.0.0.1:" + freePort, "llm server start");
    });
  }

  @Test
  void embQuery_defaultEmbModel_sendsQueryInputType() {
    float[] v = llm.withDefaultEmbModel("emb").embQuery("你好");

    var sent = lastRequest("/embeddings").json();
    assertThat(v).hasSize(8);
    assertThat(sent.path("model").asText()).isEqualTo("emb");
    assertThat(sent.path("input_type").asText()).isEqualTo("query");
  }

  @Test
  void embQuery_noDefaultEmbModel_failsSayingHowToSetIt() {
    assertThatThrownBy(() -> llm.embQuery("x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("withDefaultEmbModel");
  }

  @Test
  void transcribe_textFormat_bodyIsTheText(@TempDir Path dir) throws IOException {
    Path audio = Files.write(dir.resolve("a.mp3"), new byte[10]);

    Transcription t = llm.transcribe("stt", audio, TranscribeOptions.DEFAULTS.withResponseFormat("text"));

    assertThat(t.text()).isEqualTo("heard 10 bytes");
    assertThat(t.segments()).isEmpty();
  }
}
