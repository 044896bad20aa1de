package io.byzerllm.lite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.ChatStream;
import io.byzerllm.client.ImageOptions;
import io.byzerllm.client.LLMResponse;
import io.byzerllm.client.LlmClientException;
import io.byzerllm.client.Message;
import io.byzerllm.client.SingleOutputMeta;
import io.byzerllm.client.SpeechOptions;
import io.byzerllm.client.StreamChunk;
import io.byzerllm.client.TranscribeOptions;
import io.byzerllm.client.Transcription;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's API, the same tests over each gateway: a subclass makes the client ({@link #client})
 * whose models {@code chat}, {@code e}, {@code tts}, {@code stt} and {@code img} reach the loopback
 * upstream under those names. What the client sends and reads must not depend on the gateway.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
abstract class ClientContract {
  FakeOpenAiServer fake;
  ByzerLLM llm;

  /** The client under test, its default model {@code chat}. */
  abstract ByzerLLM client(FakeOpenAiServer upstream);

  @BeforeEach
  void start() {
    fake = FakeOpenAiServer.start();
    llm = client(fake);
  }

  @AfterEach
  void stop() {
    try {
      llm.close();
    } finally {
      fake.close();
    }
  }

  RecordedRequest lastRequest(String path) {
    return fake.requests().stream().filter(r -> r.path().endsWith(path)).reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void chatOai_mapConversation_answerWithByzerllmMetadata() {
    LLMResponse r = llm.chatOai(List.of(Map.of("role", "user", "content", "hello there"))).get(0);

    assertThat(r.output()).isEqualTo("echo: hello there");
    assertThat(r.metadata()).containsEntry("input_tokens_count", 2).containsEntry("generated_tokens_count", 3)
        .containsEntry("finish_reason", "stop").containsKeys("time_cost", "speed", "reasoning_content");
    assertThat(r.input()).containsEntry("model", "chat");
    assertThat(lastRequest("/chat/completions").json().path("model").asText()).isEqualTo("chat");
  }

  @Test
  void chatOai_maxOutputLengthAndSystemMessage_reachTheUpstream() {
    llm.withMaxOutputLength(99).chatOai(List.of(Message.system("be terse"), Message.user("b")));

    var sent = lastRequest("/chat/completions").json();
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(99);
    assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
  }

  @Test
  void chatOaiAsync_completesWithTheAnswer() throws Exception {
    var future = llm.chatOaiAsync(List.of(Message.user("later")), Map.of());

    assertThat(future.get(20, TimeUnit.SECONDS).get(0).output()).isEqualTo("echo: later");
  }

  @Test
  void streamChatOai_deltaMode_onlyNewTextThenFinalCounts() {
    List<StreamChunk> chunks = new ArrayList<>();
    try (ChatStream stream = llm.streamChatOai(List.of(Message.user("one two three")), true)) {
      stream.forEach(chunks::add);
    }

    assertThat(chunks.stream().map(StreamChunk::text).reduce("", String::concat)).isEqualTo("echo: one two three");
    assertThat(chunks.get(0).text()).isEqualTo("echo:");
    SingleOutputMeta last = chunks.get(chunks.size() - 1).meta();
    assertThat(last.finishReason()).isEqualTo("stop");
    assertThat(last.inputTokensCount()).isEqualTo(3);
    assertThat(last.generatedTokensCount()).isEqualTo(4);
    assertThat(last.firstTokenTime()).isPositive();
  }

  @Test
  void streamChatOai_cumulativeMode_eachChunkExtendsThePrevious() {
    List<String> texts = new ArrayList<>();
    try (ChatStream stream = llm.streamChatOai(List.of(Message.user("a b")), false)) {
      stream.forEach(c -> texts.add(c.text()));
    }

    assertThat(texts).startsWith("echo:", "echo: a", "echo: a b");
    assertThat(texts.get(texts.size() - 1)).isEqualTo("echo: a b");
  }

  @Test
  void streamChatOai_errorMidStream_iteratorThrowsTheError() {
    fake.failMidStreamNext("upstream went away");

    try (ChatStream stream = llm.streamChatOai(List.of(Message.user("a b c d e")), true)) {
      assertThat(stream.next().text()).isEqualTo("echo:");
      assertThatThrownBy(() -> stream.forEachRemaining(c -> { }))
          .isInstanceOf(LlmClientException.class).hasMessageContaining("upstream went away");
    }
  }

  @Test
  void chatOai_upstreamRefusesTheRequest_statusAndMessageKept() {
    fake.failNext(400, "This model's maximum context length is 8192 tokens");

    assertThatThrownBy(() -> llm.chatOai(List.of(Message.user("x"))))
        .isInstanceOfSatisfying(LlmClientException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("maximum context length is 8192 tokens");
        });
  }

  @Test
  void emb_answersOutOfOrder_vectorsComeBackInInputOrder() {
    fake.reverseEmbeddingOrder(true).embeddingDimension(16);

    List<float[]> vectors = llm.emb("e", List.of("alpha", "beta"));
    float[] alphaAlone = llm.emb("e", List.of("alpha")).get(0);

    assertThat(vectors).hasSize(2);
    assertThat(vectors.get(0)).hasSize(16).containsExactly(alphaAlone);
    assertThat(vectors.get(1)).isNotEqualTo(vectors.get(0));
  }

  @Test
  void speech_returnsTheAudioBytes() {
    byte[] audio = llm.speech("tts", "hello", SpeechOptions.DEFAULTS.withVoice("nova").withResponseFormat("wav"));

    assertThat(new String(audio, StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:nova:hello");
    assertThat(lastRequest("/audio/speech").json().path("response_format").asText()).isEqualTo("wav");
  }

  @Test
  void transcribe_verboseJson_givesTextAndSegments(@TempDir Path dir) throws IOException {
    Path audio = Files.write(dir.resolve("a.wav"), new byte[1234]);

    Transcription t = llm.transcribe("stt", audio, TranscribeOptions.DEFAULTS.withLanguage("en"));

    assertThat(t.text()).isEqualTo("heard 1234 bytes");
    assertThat(t.segments()).singleElement().satisfies(s -> assertThat(s.end()).isEqualTo(1.0));
  }

  @Test
  void generateImage_twoImages_decodesPngBytes() {
    List<byte[]> images = llm.generateImage("img", "a cat", ImageOptions.DEFAULTS.withN(2).withSize("256x256"));

    assertThat(images).hasSize(2);
    assertThat(images.get(0)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    assertThat(lastRequest("/images/generations").json().path("size").asText()).isEqualTo("256x256");
  }
}
