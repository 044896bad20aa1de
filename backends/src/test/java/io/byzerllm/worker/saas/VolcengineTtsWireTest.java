package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.open;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.testkit.FakeVolcengineTtsServer;
import io.byzerllm.testkit.RecordedRequest;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.SpeechCall;
import io.byzerllm.worker.SpeechResult;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VolcengineTtsWireTest {
  private final FakeVolcengineTtsServer upstream = FakeVolcengineTtsServer.start().requireApiKey(TEST_KEY);

  @AfterEach
  void stop() {
    upstream.close();
  }

  private ModelBackend backend(String... params) {
    String[] all = new String[params.length + 2];
    all[0] = "saas.app_id=app-42";
    all[1] = "saas.max_retries=0";
    System.arraycopy(params, 0, all, 2, params.length);
    return open(ModelType.SAAS_VOLCENGINE, upstream.baseUrl(), all);
  }

  @Test
  void speech_defaults_sendsTheDocumentedBodyAndDecodesTheBase64Audio() throws Exception {
    try (ModelBackend backend = open(ModelType.SAAS_VOLCENGINE, upstream.baseUrl(), "saas.app_id=app-42", "saas.model=")) {

      SpeechResult r = await(backend.speech(new SpeechCall("你好，世界", null, null, null, null, Map.of())));

      assertThat(r.audio()).isEqualTo(FakeVolcengineTtsServer.audioFor("BV705_streaming", "mp3", 1.0, "你好，世界"));
      assertThat(r.contentType()).isEqualTo("audio/mpeg");
      RecordedRequest sent = upstream.lastRequest();
      assertThat(sent.path()).isEqualTo("/api/v1/tts");
      assertThat(sent.header("Authorization")).isEqualTo("Bearer;" + TEST_KEY);
      JsonNode body = sent.json();
      assertThat(body.at("/app/appid").asText()).isEqualTo("app-42");
      assertThat(body.at("/app/token").asText()).isEqualTo(TEST_KEY);
      assertThat(body.at("/app/cluster").asText()).isEqualTo("volcano_tts");
      assertThat(body.at("/request/operation").asText()).isEqualTo("query");
      assertThat(body.at("/request/text_type").asText()).isEqualTo("plain");
      assertThat(UUID.fromString(body.at("/request/reqid").asText())).isNotNull();
      assertThat(body.at("/audio/speed_ratio").isMissingNode()).isTrue();
    }
  }

  @Test
  void speech_voiceFormatSpeedAndExtras_reachTheAudioObject() throws Exception {
    try (ModelBackend backend = backend("saas.model=volcano_mega")) {

      SpeechResult r = await(backend.speech(new SpeechCall("hello", "BV001_streaming", "wav", 1.5, null,
          Map.of("emotion", TextNode.valueOf("happy"), "chunk", TextNode.valueOf("ignored")))));

      assertThat(r.audio()).isEqualTo(FakeVolcengineTtsServer.audioFor("BV001_streaming", "wav", 1.5, "hello"));
      assertThat(r.contentType()).isEqualTo("audio/wav");
      JsonNode audio = upstream.lastRequest().json().path("audio");
      assertThat(audio.path("emotion").asText()).isEqualTo("happy");
      assertThat(audio.has("chunk")).isFalse();
      assertThat(upstream.lastRequest().json().at("/app/cluster").asText()).isEqualTo("volcano_mega");
    }
  }

  @Test
  void speech_opusFormat_sentAsOggOpus() throws Exception {
    try (ModelBackend backend = backend()) {

      SpeechResult r = await(backend.speech(new SpeechCall("hi", null, "opus", null, null, Map.of())));

      assertThat(r.contentType()).isEqualTo("audio/ogg");
      assertThat(upstream.lastRequest().json().at("/audio/encoding").asText()).isEqualTo("ogg_opus");
    }
  }

  @Test
  void speech_wrongToken_authenticationErrorWithoutTheKey() {
    try (ModelBackend backend = open(ModelType.SAAS_VOLCENGINE, upstream.baseUrl(), "saas.app_id=a",
        "saas.api_key=wrong-token-123")) {

      Throwable t = failureOf(backend.speech(new SpeechCall("hi", null, null, null, null, Map.of())));

      assertThat(t).isInstanceOf(LlmException.class);
      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(t.getMessage()).contains("code 3001").contains("authenticate request").doesNotContain("wrong-token-123");
    }
  }

  @Test
  void speech_textOver1024Bytes_invalidRequestWithCode3010() {
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.speech(new SpeechCall("字".repeat(400), null, null, null, null, Map.of())));

      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
      assertThat(t.getMessage()).contains("code 3010").contains("text too long");
    }
  }

  @Test
  void speech_unknownVoice_invalidRequestNamingTheVoice() {
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.speech(new SpeechCall("hi", "unknown_voice_1", null, null, null, Map.of())));

      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
      assertThat(t.getMessage()).contains("code 3050").contains("unknown_voice_1");
    }
  }

  @Test
  void speech_concurrencyQuota_overloadedWithRetryAfter() {
    upstream.failNext(429, "concurrency quota exceeded", Map.of("Retry-After", "3"));
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.speech(new SpeechCall("hi", null, null, null, null, Map.of())));

      assertThat(t).isInstanceOf(OverloadedException.class);
      assertThat(((OverloadedException) t).retryAfter()).isEqualTo(Duration.ofSeconds(3));
      assertThat(t.getMessage()).contains("code 3003");
    }
  }

  @Test
  void speech_busyAnswered500_unavailableByItsCode() {
    upstream.failNext(503, "server busy");
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.speech(new SpeechCall("hi", null, null, null, null, Map.of())));

      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
      assertThat(t.getMessage()).contains("code 3005").contains("server busy");
    }
  }

  @Test
  void speech_providerStalls_upstreamTimeout() {
    upstream.stallNext();
    try (ModelBackend backend = backend("saas.timeout=0.5")) {

      Throwable t = failureOf(backend.speech(new SpeechCall("hi", null, null, null, null, Map.of())));

      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
    }
  }

  @Test
  void embed_onATtsModel_invalidRequestNamingSpeech() {
    try (ModelBackend backend = backend()) {

      Throwable e = failureOf(backend.embed(EmbeddingCall.of(java.util.List.of("x"))));
      Throwable c = failureOf(backend.chat(userSays("hi")));

      assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
      assertThat(e.getMessage()).contains("saas/volcengine cannot do embedding").contains("it can do speech");
      assertThat(c.getMessage()).contains("cannot do chat");
      assertThat(upstream.requestCount()).isZero();
    }
  }

  @Test
  void open_withoutAppId_failsNamingTheParam() {
    Throwable t = catchThrowable(() -> open(ModelType.SAAS_VOLCENGINE, upstream.baseUrl()));

    assertThat(t).isInstanceOf(InvalidSpecException.class).hasMessageContaining("saas.app_id");
  }

  @Test
  void readSpeech_successStatusButFailureCode_refusalOfThatKindWithTheProvidersMessage() {
    try (ModelBackend ignored = backend()) {
      VolcengineTtsWire wire = new VolcengineTtsWire(io.byzerllm.deploy.ModelSpec.of("t", ModelType.SAAS_VOLCENGINE,
          Map.of("saas.api_key", TEST_KEY, "saas.app_id", "a", "saas.base_url", upstream.baseUrl())));
      byte[] body = ("{\"reqid\": \"r1\", \"code\": 3003, \"message\": \"quota exceeded for " + TEST_KEY + "\"}")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);

      Throwable refusal = catchThrowable(() -> wire.readSpeech(new WireAnswer(body, "application/json"),
          new SpeechCall("hi", null, null, null, null, Map.of())));
      LlmException seen = new UpstreamErrors(wire).fromFailure(refusal);

      assertThat(refusal).isInstanceOf(ProviderRefusal.class);
      assertThat(seen).isInstanceOf(OverloadedException.class);
      assertThat(seen.getMessage()).contains("code 3003").contains("quota exceeded").doesNotContain(TEST_KEY);
    }
  }
}
