package io.byzerllm.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.RecordedRequest;
import io.byzerllm.worker.saas.SaasBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatConventionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

  private final FakeOpenAiServer upstream = FakeOpenAiServer.start();
  private final ModelBackend backend = SaasBackend.open(new BackendContext(
      ModelSpec.of("conv", ModelType.SAAS_OPENAI, Map.of("saas.base_url", upstream.baseUrl(), "saas.model", "fake-vision",
          "saas.max_retries", "0")),
      0, Path.of("target"), 1, List.of(), ForkJoinPool.commonPool()));

  @AfterEach
  void stop() {
    backend.close();
    upstream.close();
  }

  // ---- normalize ----

  @Test
  void normalize_byzerImagePartsInString_becomeOpenAiPartsWithDataUrl() throws Exception {
    String content = "[{\"image\": \"" + PNG_B64 + "\", \"detail\": \"high\"}, {\"text\": \"what is in this image?\"}]";

    ChatCall out = ChatConventions.normalize(call(TextNode.valueOf(content)));

    assertThat(out.last().content()).isEqualTo(JSON.readTree("[{\"type\":\"image_url\",\"image_url\":{\"url\":"
        + "\"data:image/jpeg;base64," + PNG_B64 + "\",\"detail\":\"high\"}},"
        + "{\"type\":\"text\",\"text\":\"what is in this image?\"}]"));
  }

  @Test
  void normalize_imageAndTextInOneByzerItem_becomeTwoParts() throws Exception {
    String content = "[{\"image\": \"data:image/png;base64," + PNG_B64 + "\", \"text\": \"describe it\"}]";

    ChatCall out = ChatConventions.normalize(call(TextNode.valueOf(content)));

    assertThat(out.last().content()).isEqualTo(JSON.readTree("[{\"type\":\"image_url\",\"image_url\":{\"url\":"
        + "\"data:image/png;base64," + PNG_B64 + "\"}},{\"type\":\"text\",\"text\":\"describe it\"}]"));
  }

  @Test
  void normalize_dataUrlAndImageUrlParts_keepTheirUrls() throws Exception {
    JsonNode content = JSON.readTree("[{\"image\": \"data:image/png;base64," + PNG_B64 + "\"},"
        + "{\"image_url\": \"https://example.test/cat.png\"}, {\"image_url\": {\"url\": \"https://example.test/dog.png\"}}]");

    ChatCall out = ChatConventions.normalize(call(content));

    JsonNode parts = out.last().content();
    assertThat(parts.get(0).get("image_url").get("url").asText()).isEqualTo("data:image/png;base64," + PNG_B64);
    assertThat(parts.get(1).get("image_url").get("url").asText()).isEqualTo("https://example.test/cat.png");
    assertThat(parts.get(2).get("image_url").get("url").asText()).isEqualTo("https://example.test/dog.png");
    assertThat(parts.get(2).get("type").asText()).isEqualTo("image_url");
  }

  @Test
  void normalize_standardOpenAiParts_passUnchanged() throws Exception {
    JsonNode content = JSON.readTree("[{\"type\":\"text\",\"text\":\"hi\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.test/a.png\"}}]");
    ChatCall in = call(content);

    ChatCall out = ChatConventions.normalize(in);

    assertThat(out).isSameAs(in);
  }

  @Test
  void normalize_plainTextAndJsonLookalikes_areUntouched() {
    ChatCall plain = call(TextNode.valueOf("hello [world]"));
    ChatCall numbers = call(TextNode.valueOf("[1, 2, 3]"));
    ChatCall objects = call(TextNode.valueOf("[{\"name\": \"x\"}]"));

    assertThat(ChatConventions.normalize(plain)).isSameAs(plain);
    assertThat(ChatConventions.normalize(numbers)).isSameAs(numbers);
    assertThat(ChatConventions.normalize(objects)).isSameAs(objects);
  }

  // ---- chat dispatch ----

  @Test
  void chat_visionMessage_sendsOpenAiPartsUpstream() throws Exception {
    String content = "[{\"image\": \"" + PNG_B64 + "\"}, {\"text\": \"describe\"}]";

    ChatResult r = await(ChatConventions.chat(backend, call(TextNode.valueOf(content))));

    assertThat(r.content()).isEqualTo("echo: describe");
    JsonNode sent = upstream.requests().get(0).json().get("messages").get(0).get("content");
    assertThat(sent.get(0).get("image_url").get("url").asText()).startsWith("data:image/jpeg;base64,iVBOR");
    assertThat(sent.get(1).get("type").asText()).isEqualTo("text");
  }

  @Test
  void chat_voiceObject_answersBase64Speech() throws Exception {
    String content = "{\"input\": \"good morning\", \"voice\": \"echo\", \"response_format\": \"mp3\"}";

    ChatResult r = await(ChatConventions.chat(backend, call(TextNode.valueOf(content))));

    assertThat(new String(Base64.getDecoder().decode(r.content()), StandardCharsets.UTF_8))
        .isEqualTo("FAKEAUDIO:echo:good morning");
    assertThat(upstream.requests().get(0).path()).isEqualTo("/v1/audio/speech");
  }

  @Test
  void chat_inputObject_answersFirstImageWithByzerDefaults() throws Exception {
    String content = "[{\"input\": \"a red bicycle\"}]";

    ChatResult r = await(ChatConventions.chat(backend, call(TextNode.valueOf(content))));

    assertThat(r.content()).isEqualTo(PNG_B64);
    RecordedRequest sent = upstream.requests().get(0);
    assertThat(sent.path()).isEqualTo("/v1/images/generations");
    assertThat(sent.json().get("prompt").asText()).isEqualTo("a red bicycle");
    assertThat(sent.json().get("size").asText()).isEqualTo("1024x1024");
    assertThat(sent.json().get("quality").asText()).isEqualTo("standard");
    assertThat(sent.json().get("n").asInt()).isEqualTo(1);
  }

  @Test
  void chat_audioDataUrl_answersVerboseJsonTranscription() throws Exception {
    byte[] audio = new byte[300];
    String content = "{\"audio\": \"data:audio/mp3;base64," + Base64.getEncoder().encodeToString(audio) + "\"}";

    ChatResult r = await(ChatConventions.chat(backend, call(TextNode.valueOf(content))));

    JsonNode transcription = JSON.readTree(r.content());
    assertThat(transcription.get("text").asText()).isEqualTo("heard 300 bytes");
    assertThat(transcription.has("segments")).isTrue();
    JsonNode form = upstream.requests().get(0).json();
    assertThat(form.get("file").get("filename").asText()).isEqualTo("audio.mp3");
    assertThat(form.get("response_format").asText()).isEqualTo("verbose_json");
  }

  @Test
  void chat_rawBase64Audio_isSentAsWav() throws Exception {
    String content = "{\"audio\": \"" + Base64.getEncoder().encodeToString(new byte[50]) + "\"}";

    ChatResult r = await(ChatConventions.chat(backend, call(TextNode.valueOf(content))));

    assertThat(JSON.readTree(r.content()).get("text").asText()).isEqualTo("heard 50 bytes");
    assertThat(upstream.requests().get(0).json().get("file").get("filename").asText()).isEqualTo("audio.wav");
  }

  @Test
  void chat_audioNotBase64_failsInvalidRequestNamingTheField() {
    ChatCall bad = call(TextNode.valueOf("{\"audio\": \"data:audio/wav;base64,this is not base64!\"}"));

    Throwable t = failureOf(ChatConventions.chat(backend, bad));

    assertThat(t).isInstanceOf(LlmException.class).hasMessageContaining("'audio'");
    assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(upstream.requestCount()).isZero();
  }

  @Test
  void stream_voiceObject_oneDeltaWithTheBase64Speech() throws Exception {
    String content = "{\"input\": \"good night\", \"voice\": \"nova\"}";
    List<ChatDelta> deltas = new java.util.concurrent.CopyOnWriteArrayList<>();

    ChatResult r = await(ChatConventions.stream(backend, call(TextNode.valueOf(content)), deltas::add).done());

    assertThat(deltas).singleElement().satisfies(d -> assertThat(d.content()).isEqualTo(r.content()));
    assertThat(new String(Base64.getDecoder().decode(r.content()), StandardCharsets.UTF_8))
        .isEqualTo("FAKEAUDIO:nova:good night");
  }

  @Test
  void stream_voiceObjectWithChunkSize_audioInChunksThatJoinToTheWholeAnswer() throws Exception {
    // "FAKEAUDIO:nova:good night, moon" is 31 bytes: chunks of 4 bytes round up to 6 (two base64 groups)
    String content = "{\"input\": \"good night, moon\", \"voice\": \"nova\", \"chunk_size\": 4}";
    List<ChatDelta> deltas = new java.util.concurrent.CopyOnWriteArrayList<>();

    ChatResult r = await(ChatConventions.stream(backend, call(TextNode.valueOf(content)), deltas::add).done());

    assertThat(deltas).hasSize(6);
    assertThat(deltas.stream().map(ChatDelta::content).reduce("", String::concat)).isEqualTo(r.content());
    assertThat(deltas.subList(0, 5)).allSatisfy(d -> {
      assertThat(Base64.getDecoder().decode(d.content())).hasSize(6);
      assertThat(d.finishReason()).isNull();
    });
    assertThat(deltas.get(5).finishReason()).isEqualTo("stop");
    assertThat(new String(Base64.getDecoder().decode(r.content()), StandardCharsets.UTF_8))
        .isEqualTo("FAKEAUDIO:nova:good night, moon");
  }

  @Test
  void stream_ordinaryMessage_streamsTheBackendsDeltas() throws Exception {
    List<ChatDelta> deltas = new java.util.concurrent.CopyOnWriteArrayList<>();

    await(ChatConventions.stream(backend, call(TextNode.valueOf("one two three")), deltas::add).done());

    assertThat(deltas.size()).isGreaterThan(1);
    assertThat(deltas.stream().map(ChatDelta::content).filter(java.util.Objects::nonNull).reduce("", String::concat))
        .isEqualTo("echo: one two three");
  }

  @Test
  void isMediaRequest_mediaObjectsOnly() {
    assertThat(ChatConventions.isMediaRequest(call(TextNode.valueOf("{\"input\": \"hi\", \"voice\": \"alloy\"}")))).isTrue();
    assertThat(ChatConventions.isMediaRequest(call(TextNode.valueOf("[{\"audio\": \"AAAA\"}]")))).isTrue();
    assertThat(ChatConventions.isMediaRequest(call(TextNode.valueOf("{\"question\": \"hi\"}")))).isFalse();
    assertThat(ChatConventions.isMediaRequest(call(TextNode.valueOf("[{\"text\": \"hi\"}]")))).isFalse();
    assertThat(ChatConventions.isMediaRequest(call(TextNode.valueOf("just text")))).isFalse();
  }

  @Test
  void chat_mediaObjectInEarlierMessageOnly_isOrdinaryChat() throws Exception {
    ChatCall c = new ChatCall("r", List.of(
        ChatMessage.of("user", "{\"input\": \"draw a cat\"}"),
        ChatMessage.of("assistant", "done"),
        ChatMessage.of("user", "thanks")), ChatOptions.DEFAULTS);

    ChatResult r = await(ChatConventions.chat(backend, c));

    assertThat(r.content()).isEqualTo("echo: thanks");
    assertThat(upstream.requests().get(0).path()).isEqualTo("/v1/chat/completions");
  }

  private static ChatCall call(JsonNode content) {
    return new ChatCall("req-c", List.of(new ChatMessage("user", content, null, false)), ChatOptions.DEFAULTS);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletionStage<?> stage) {
    Throwable t = catchThrowable(() -> stage.toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertThat(t).isInstanceOf(ExecutionException.class);
    return t.getCause();
  }
}
