package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeZhipuServer;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ModelBackend;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ZhipuWireTest {
  private static final String KEY = "4f9a1c2e7b6d0a1b.Zx9SecretPartOfTheKey";
  private final FakeZhipuServer zhipu = FakeZhipuServer.start().requireApiKey(KEY);

  @AfterEach
  void stop() {
    zhipu.close();
  }

  private ModelBackend open(String... more) {
    String[] params = new String[more.length + 2];
    params[0] = "saas.api_key=" + KEY;
    params[1] = "saas.model=glm-4-flash";
    System.arraycopy(more, 0, params, 2, more.length);
    return TestBackends.open(ModelType.SAAS_ZHIPU, zhipu, params);
  }

  @Test
  void chat_signedToken_answersAndTheFakeAcceptsTheJwt() throws Exception {
    try (ModelBackend backend = open()) {

      ChatResult r = await(backend.chat(userSays("你好 zhipu")));

      assertThat(r.content()).isEqualTo("echo: 你好 zhipu");
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(zhipu.lastRequest().path()).isEqualTo("/api/paas/v4/chat/completions");
      assertThat(zhipu.lastRequest().json().path("model").asText()).isEqualTo("glm-4-flash");
      assertThat(zhipu.lastRequest().header("Authorization")).startsWith("Bearer ey").doesNotContain("Zx9Secret");
    }
  }

  @Test
  void stream_zhipuChunks_deltasThenUsageAndFinishFromTheLastChunk() throws Exception {
    List<ChatDelta> deltas = new CopyOnWriteArrayList<>();
    try (ModelBackend backend = open()) {

      ChatResult r = await(backend.stream(userSays("tell me more"), deltas::add).done());

      assertThat(deltas.stream().map(ChatDelta::content).filter(c -> c != null).toList())
          .containsExactly("echo:", " tell", " me", " more");
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.usage().promptTokens()).isEqualTo(3);
      assertThat(r.usage().completionTokens()).isEqualTo(4);
      assertThat(zhipu.lastRequest().json().has("stream_options")).isFalse();
    }
  }

  @Test
  void stream_errorEventMidStream_failsWithZhipusCodeAfterTheFirstDeltas() throws Exception {
    zhipu.failMidStreamNext("服务内部错误，请稍后重试。");
    List<ChatDelta> deltas = new CopyOnWriteArrayList<>();
    try (ModelBackend backend = open()) {

      LlmException e = (LlmException) failureOf(backend.stream(userSays("one two three four"), deltas::add).done());

      assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM);
      assertThat(e.getMessage()).contains("failed mid-stream").contains("服务内部错误");
      assertThat(deltas).hasSize(2);
    }
  }

  @Test
  void embed_embeddingModel_postsToEmbeddingsWithoutEncodingFormat() throws Exception {
    zhipu.embeddingDimension(5);
    try (ModelBackend backend = TestBackends.open(ModelType.SAAS_ZHIPU, zhipu, "saas.api_key=" + KEY,
        "saas.model=embedding-2")) {

      EmbeddingResult r = await(backend.embed(EmbeddingCall.of(List.of("甲", "乙"))));

      assertThat(r.vectors()).hasSize(2);
      assertThat(r.vectors().get(0)).hasSize(5);
      JsonNode sent = zhipu.lastRequest().json();
      assertThat(sent.path("model").asText()).isEqualTo("embedding-2");
      assertThat(sent.has("encoding_format")).isFalse();
    }
  }

  @Test
  void chat_toolCall_openAiToolsGoAndToolCallsComeBack() throws Exception {
    zhipu.replyToolCall("query_train_info", "{\"date\":\"2026-12-01\"}");
    JsonNode tools = TestJson.parse("[{\"type\":\"function\",\"function\":{\"name\":\"query_train_info\","
        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"date\":{\"type\":\"string\"}}}}}]");
    ChatOptions options = new ChatOptions(null, null, null, List.of(), null, Map.of("tools", tools));
    try (ModelBackend backend = open()) {

      ChatResult r = await(backend.chat(new ChatCall("req-1", List.of(ChatMessage.of("user", "车次?")), options)));

      assertThat(r.finishReason()).isEqualTo("tool_calls");
      assertThat(r.toolCalls().get(0).at("/function/name").asText()).isEqualTo("query_train_info");
      assertThat(zhipu.lastRequest().json().path("tools")).isEqualTo(tools);
    }
  }

  @Test
  void chat_inArrears_403WithZhipusCode() throws Exception {
    zhipu.failNextWithCode(429, "1113", "您的账户已欠费，请充值后重试。");
    try (ModelBackend backend = open("saas.max_retries=0")) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hi")));

      assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION);
      assertThat(e.getMessage()).contains("1113: 您的账户已欠费");
    }
  }

  @Test
  void chat_wrongSecret_401WithoutTheKey() throws Exception {
    try (ModelBackend backend = TestBackends.open(ModelType.SAAS_ZHIPU, zhipu,
        "saas.api_key=4f9a1c2e7b6d0a1b.NotTheSecret")) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hi")));

      assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(e.getMessage()).contains("1002").doesNotContain("NotTheSecret").doesNotContain("4f9a1c2e7b6d0a1b");
    }
  }

  @Test
  void open_keyWithoutId_failsNamingTheForm() {
    assertThatThrownBy(() -> TestBackends.open(ModelType.SAAS_ZHIPU, zhipu, "saas.api_key=no-dot-in-this-key"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("<id>.<secret>")
        .hasMessageNotContaining("no-dot-in-this-key");
  }

  @Test
  void token_reusedUntilShortlyBeforeExpiry_thenRenewed() throws Exception {
    MovableClock clock = new MovableClock(Instant.parse("2026-11-29T10:00:00Z"));
    ZhipuToken token = new ZhipuToken(KEY, clock);

    String first = token.current();
    clock.advance(ZhipuToken.LIFETIME.minus(ZhipuToken.RENEW_BEFORE).minusSeconds(1));
    String stillFirst = token.current();
    clock.advance(Duration.ofSeconds(1));
    String renewed = token.current();

    assertThat(stillFirst).isEqualTo(first);
    assertThat(renewed).isNotEqualTo(first);
    JsonNode payload = TestJson.parse(new String(Base64.getUrlDecoder().decode(first.split("\\.")[1]), StandardCharsets.UTF_8));
    assertThat(payload.path("api_key").asText()).isEqualTo("4f9a1c2e7b6d0a1b");
    assertThat(payload.path("timestamp").asLong()).isEqualTo(Instant.parse("2026-11-29T10:00:00Z").toEpochMilli());
    assertThat(payload.path("exp").asLong() - payload.path("timestamp").asLong()).isEqualTo(ZhipuToken.LIFETIME.toMillis());
  }

  @Test
  void chat_manyCalls_oneCachedTokenReachesTheProvider() throws Exception {
    try (ModelBackend backend = open()) {
      for (int i = 0; i < 3; i++) {
        await(backend.chat(userSays("call " + i)));
      }

      assertThat(zhipu.distinctTokens()).isEqualTo(1);
    }
  }

  /** A clock the test moves by hand. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
