package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.TextNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeAzureSpeechServer;
import io.byzerllm.testkit.RecordedRequest;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.SpeechCall;
import io.byzerllm.worker.SpeechResult;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AzureSpeechWireTest {
  private final FakeAzureSpeechServer upstream = FakeAzureSpeechServer.start().requireApiKey(TEST_KEY);

  @AfterEach
  void stop() {
    upstream.close();
  }

  private ModelBackend backend(String... params) {
    String[] all = new String[params.length + 1];
    all[0] = "saas.max_retries=0";
    System.arraycopy(params, 0, all, 1, params.length);
    return open(ModelType.SAAS_AZURE, upstream.baseUrl(), all);
  }

  @Test
  void speech_defaults_ssmlWithXiaoxiaoInZhCnAsMp3() throws Exception {
    try (ModelBackend backend = backend()) {

      SpeechResult r = await(backend.speech(new SpeechCall("你好", null, null, null, null, Map.of())));

      assertThat(r.audio()).isEqualTo(FakeAzureSpeechServer.audioFor("zh-CN-XiaoxiaoNeural", "zh-CN", "1", "你好"));
      assertThat(r.contentType()).isEqualTo("audio/mpeg");
      RecordedRequest sent = upstream.lastRequest();
      assertThat(sent.path()).isEqualTo("/cognitiveservices/v1");
      assertThat(sent.header("Ocp-Apim-Subscription-Key")).isEqualTo(TEST_KEY);
      assertThat(sent.header("Authorization")).isNull();
      assertThat(sent.header("Content-Type")).isEqualTo("application/ssml+xml");
      assertThat(sent.header("X-Microsoft-OutputFormat")).isEqualTo("audio-24khz-48kbitrate-mono-mp3");
    }
  }

  @Test
  void speech_textWithMarkup_escapedSoTheProviderReadsItAsText() throws Exception {
    String text = "1 < 2 & \"quotes\" </voice></speak> it's";
    try (ModelBackend backend = backend()) {

      SpeechResult r = await(backend.speech(new SpeechCall(text, "en-US-JennyNeural", "wav", 1.2, null, Map.of())));

      assertThat(new String(r.audio(), StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:en-US-JennyNeural:en-US:1.2:" + text);
      assertThat(r.contentType()).isEqualTo("audio/wav");
      assertThat(upstream.lastRequest().header("X-Microsoft-OutputFormat")).isEqualTo("riff-24khz-16bit-mono-pcm");
    }
  }

  @Test
  void speech_languageParamAndCallExtra_setXmlLang() throws Exception {
    try (ModelBackend backend = backend("saas.language=en-GB", "saas.voice=en-GB-SoniaNeural")) {

      SpeechResult fromParams = await(backend.speech(new SpeechCall("hi", null, null, null, null, Map.of())));
      SpeechResult fromCall = await(backend.speech(new SpeechCall("hi", null, null, null, null,
          Map.of("language", TextNode.valueOf("en-US")))));

      assertThat(new String(fromParams.audio(), StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:en-GB-SoniaNeural:en-GB:1:hi");
      assertThat(new String(fromCall.audio(), StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:en-GB-SoniaNeural:en-US:1:hi");
    }
  }

  @Test
  void speech_wrongKey_authenticationWithTheGatewaysMessageAndNoKey() {
    try (ModelBackend backend = open(ModelType.SAAS_AZURE, upstream.baseUrl(), "saas.api_key=wrong-azure-key-9")) {

      Throwable t = failureOf(backend.speech(new SpeechCall("hi", null, null, null, null, Map.of())));

      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(t.getMessage()).contains("invalid subscription key or wrong API endpoint").doesNotContain("wrong-azure-key-9");
    }
  }

  @Test
  void speech_unknownVoice_invalidRequestSayingWhatAnEmptyBodyMeans() {
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.speech(new SpeechCall("hi", "no-such-voice", null, null, null, Map.of())));

      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
      assertThat(t.getMessage()).contains("400").contains("unknown voice");
    }
  }

  @Test
  void speech_quota429_overloaded() {
    upstream.failNext(429, "Too many requests", Map.of("Retry-After", "2"));
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.speech(new SpeechCall("hi", null, null, null, null, Map.of())));

      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.OVERLOADED);
      assertThat(t.getMessage()).contains("Too many requests");
    }
  }

  @Test
  void image_onASpeechModel_invalidRequestNamingSpeech() {
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.generateImage(new ImageCall("a cat", null, null, 1, null, null, Map.of())));

      assertThat(t.getMessage()).contains("saas/azure cannot do image; it can do speech");
      assertThat(upstream.requestCount()).isZero();
    }
  }

  @Test
  void open_regionWithoutBaseUrl_usesTheRegionsHost() {
    try (ModelBackend backend = open(ModelType.SAAS_AZURE, "", "saas.service_region=westeurope", "saas.base_url=")) {

      assertThat(backend.describe()).containsEntry("base_url", "https://westeurope.tts.speech.microsoft.com")
          .containsEntry("service_region", "westeurope").doesNotContainValue(TEST_KEY);
    }
  }

  @Test
  void open_badRegion_failsNamingTheParam() {
    Throwable t = catchThrowable(() -> open(ModelType.SAAS_AZURE, upstream.baseUrl(), "saas.service_region=east us/1"));

    assertThat(t).isInstanceOf(InvalidSpecException.class).hasMessageContaining("saas.service_region");
  }
}
