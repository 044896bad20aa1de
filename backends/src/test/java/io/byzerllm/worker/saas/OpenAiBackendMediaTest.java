package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.open;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.RecordedRequest;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.ImageResult;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.SpeechCall;
import io.byzerllm.worker.SpeechResult;
import io.byzerllm.worker.TranscriptionCall;
import io.byzerllm.worker.TranscriptionResult;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiBackendMediaTest {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private final FakeOpenAiServer upstream = FakeOpenAiServer.start();

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void embed_itemsAnsweredOutOfOrder_vectorsFollowInputOrder() throws Exception {
    upstream.reverseEmbeddingOrder(true);
    try (ModelBackend backend = open(upstream, "saas.embedding_model=text-embedding-3-small")) {

      EmbeddingResult r = await(backend.embed(EmbeddingCall.of(List.of("apple", "banana", "apple"))));
      EmbeddingResult banana = await(backend.embed(EmbeddingCall.of(List.of("banana"))));

      assertThat(r.vectors()).hasSize(3);
      assertThat(r.vectors().get(0)).hasSize(8).containsExactly(r.vectors().get(2));
      assertThat(r.vectors().get(1)).containsExactly(banana.vectors().get(0));
      assertThat(r.vectors().get(0)).isNotEqualTo(r.vectors().get(1));
      assertThat(norm(r.vectors().get(1))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
      assertThat(r.usage().promptTokens()).isEqualTo(3);
      JsonNode sent = upstream.requests().get(0).json();
      assertThat(sent.get("model").asText()).isEqualTo("text-embedding-3-small");
      assertThat(sent.get("encoding_format").asText()).isEqualTo("float");
      assertThat(sent.get("input").toString()).isEqualTo("[\"apple\",\"banana\",\"apple\"]");
    }
  }

  @Test
  void embed_dimensionsAsked_sendsThemAndGetsThatLength() throws Exception {
    try (ModelBackend backend = open(upstream)) {

      EmbeddingResult r = await(backend.embed(new EmbeddingCall(List.of("x"), true, "my-emb", 4)));

      assertThat(r.vectors().get(0)).hasSize(4);
      assertThat(upstream.requests().get(0).json().get("dimensions").asInt()).isEqualTo(4);
      assertThat(upstream.requests().get(0).json().get("model").asText()).isEqualTo("my-emb");
    }
  }

  @Test
  void speech_defaults_sendsAlloyMp3AndReturnsAudioBytes() throws Exception {
    try (ModelBackend backend = open(upstream, "saas.tts_model=tts-1")) {

      SpeechResult r = await(backend.speech(new SpeechCall("你好 world", null, null, 1.25, null, Map.of())));

      assertThat(new String(r.audio(), StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:alloy:你好 world");
      assertThat(r.contentType()).isEqualTo("audio/mpeg");
      JsonNode sent = upstream.requests().get(0).json();
      assertThat(sent.get("model").asText()).isEqualTo("tts-1");
      assertThat(sent.get("response_format").asText()).isEqualTo("mp3");
      assertThat(sent.get("speed").asDouble()).isEqualTo(1.25);
    }
  }

  @Test
  void speech_wavAsked_returnsWavMediaType() throws Exception {
    try (ModelBackend backend = open(upstream)) {

      SpeechResult r = await(backend.speech(new SpeechCall("hi", "nova", "wav", null, null, Map.of())));

      assertThat(new String(r.audio(), StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:nova:hi");
      assertThat(r.contentType()).isEqualTo("audio/wav");
    }
  }

  @Test
  void transcribe_defaults_sendsMultipartAndGetsVerboseJson() throws Exception {
    byte[] audio = new byte[1234];
    try (ModelBackend backend = open(upstream)) {

      TranscriptionResult r = await(backend.transcribe(
          new TranscriptionCall(audio, "speech.mp3", null, "en", "a meeting", null, null, 0.2)));

      assertThat(r.text()).isEqualTo("heard 1234 bytes");
      assertThat(r.contentType()).startsWith("application/json");
      assertThat(r.body()).contains("\"segments\"").contains("\"words\"");
      RecordedRequest sent = upstream.requests().get(0);
      assertThat(sent.header("Content-Type")).startsWith("multipart/form-data; boundary=");
      JsonNode form = sent.json();
      assertThat(form.get("model").asText()).isEqualTo("whisper-1");
      assertThat(form.get("response_format").asText()).isEqualTo("verbose_json");
      assertThat(form.get("timestamp_granularities[]").toString()).isEqualTo("[\"word\",\"segment\"]");
      assertThat(form.get("language").asText()).isEqualTo("en");
      assertThat(form.get("prompt").asText()).isEqualTo("a meeting");
      assertThat(form.get("temperature").asText()).isEqualTo("0.2");
      assertThat(form.get("file").get("filename").asText()).isEqualTo("speech.mp3");
      assertThat(form.get("file").get("content_type").asText()).isEqualTo("audio/mpeg");
      assertThat(form.get("file").get("size").asInt()).isEqualTo(1234);
    }
  }

  @Test
  void transcribe_textFormat_returnsPlainText() throws Exception {
    try (ModelBackend backend = open(upstream, "saas.stt_model=whisper-large")) {

      TranscriptionResult r = await(backend.transcribe(
          new TranscriptionCall(new byte[10], null, null, null, null, "text", null, null)));

      assertThat(r.text()).isEqualTo("heard 10 bytes");
      assertThat(r.contentType()).startsWith("text/plain");
      assertThat(upstream.requests().get(0).json().get("model").asText()).isEqualTo("whisper-large");
      assertThat(upstream.requests().get(0).json().has("timestamp_granularities[]")).isFalse();
    }
  }

  @Test
  void generateImage_twoAsked_returnsTwoBase64Pngs() throws Exception {
    try (ModelBackend backend = open(upstream, "saas.image_model=dall-e-3")) {

      ImageResult r = await(backend.generateImage(
          new ImageCall("a cat in the snow", "1024x1024", "hd", 2, "vivid", null, Map.of())));

      assertThat(r.images()).hasSize(2);
      assertThat(Base64.getDecoder().decode(r.images().get(0).b64Json())).startsWith(PNG_SIGNATURE);
      assertThat(r.images().get(1).revisedPrompt()).isEqualTo("a cat in the snow");
      assertThat(r.created()).isPositive();
      JsonNode sent = upstream.requests().get(0).json();
      assertThat(sent.get("model").asText()).isEqualTo("dall-e-3");
      assertThat(sent.get("response_format").asText()).isEqualTo("b64_json");
      assertThat(sent.get("quality").asText()).isEqualTo("hd");
      assertThat(sent.get("style").asText()).isEqualTo("vivid");
      assertThat(sent.get("n").asInt()).isEqualTo(2);
    }
  }

  private static double norm(float[] v) {
    double sum = 0;
    for (float f : v) {
      sum += f * f;
    }
    return Math.sqrt(sum);
  }
}
