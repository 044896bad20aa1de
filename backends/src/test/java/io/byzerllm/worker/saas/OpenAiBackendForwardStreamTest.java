package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ForwardedChat;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.StreamHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A stream passed on as the provider's bytes: frames with our id and model, usage counted, the stream's guarantees kept. */
@Timeout(60)
class OpenAiBackendForwardStreamTest {
  private final FakeOpenAiServer upstream = FakeOpenAiServer.start();
  private final List<String> frames = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    upstream.close();
  }

  private static ForwardedChat chat(String body, boolean includeUsage) {
    return new ForwardedChat("chatcmpl-ours", "my_model", body.getBytes(StandardCharsets.UTF_8), includeUsage);
  }

  private static ForwardedChat userSays(String text) {
    return chat("{\"model\":\"my_model\",\"stream\":true,\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
        + text + "\"}]}", false);
  }

  private void collect(byte[] frame) {
    frames.add(new String(frame, StandardCharsets.UTF_8));
  }

  @Test
  void forwardStream_normalAnswer_framesCarryOurIdAndModelAndUsageIsCountedButWithheld() throws Exception {
    try (ModelBackend backend = open(upstream)) {

      ChatResult r = await(backend.forwardStream(userSays("tell me a story"), this::collect).done());

      assertThat(frames).hasSize(6).allSatisfy(f -> assertThat(f).startsWith("data: {").endsWith("}\n\n")
          .contains("\"id\":\"chatcmpl-ours\"").contains("\"model\":\"my_model\"").doesNotContain("fake-chat"));
      assertThat(String.join("", frames)).doesNotContain("[DONE]").doesNotContain("\"usage\":{");
      assertThat(frames.get(1)).contains("\"logprobs\":{\"content\":[{\"token\":\" tell\",\"logprob\":-0.25");
      assertThat(r.usage().promptTokens()).isEqualTo(4);
      assertThat(r.usage().completionTokens()).isEqualTo(5);
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.upstreamModel()).isEqualTo("fake-chat");
      assertThat(r.firstTokenMillis()).isPositive();
      JsonNode sent = upstream.requests().get(0).json();
      assertThat(sent.path("model").asText()).isEqualTo("fake-chat");
      assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
      assertThat(sent.path("logprobs").asBoolean()).isTrue();
    }
  }

  @Test
  void forwardStream_callerAskedForUsage_usageChunkPassedOnAndOtherStreamOptionsKept() throws Exception {
    try (ModelBackend backend = open(upstream)) {

      ChatResult r = await(backend.forwardStream(chat("{\"model\":\"my_model\",\"stream\":true,"
          + "\"stream_options\":{\"include_usage\":true,\"x_option\":7},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
          true), this::collect).done());

      assertThat(frames.get(frames.size() - 1)).contains("\"usage\":{").contains("\"choices\":[]");
      assertThat(r.usage().promptTokens()).isPositive();
      JsonNode sent = upstream.requests().get(0).json();
      assertThat(sent.at("/stream_options/x_option").asInt()).isEqualTo(7);
      assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
    }
  }

  @Test
  void forwardStream_toolCallFragments_reachTheCallerAsTheProviderSentThem() throws Exception {
    upstream.replyToolCall("search", "{\"query\":\"pekko cluster sharding\"}");
    try (ModelBackend backend = open(upstream)) {

      ChatResult r = await(backend.forwardStream(userSays("look it up"), this::collect).done());

      assertThat(frames.get(0)).contains("\"tool_calls\":[{\"index\":0,\"id\":\"call_fake_0\",\"type\":\"function\"");
      assertThat(r.finishReason()).isEqualTo("tool_calls");
    }
  }

  @Test
  void forwardStream_upstreamErrorEventMidway_failsDoneWithProviderMessage() throws Exception {
    upstream.failMidStreamNext("The model overloaded while generating");
    try (ModelBackend backend = open(upstream)) {

      Throwable failure = failureOf(backend.forwardStream(userSays("one two three four"), this::collect).done());

      assertThat(frames).hasSize(2);
      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM);
      assertThat(failure.getMessage()).contains("The model overloaded while generating");
    }
  }

  @Test
  void forwardStream_upstream429BeforeFirstByte_failsWithItsStatusAndNoFrames() throws Exception {
    upstream.failNext(429, "Rate limit reached for requests");
    try (ModelBackend backend = open(upstream, "saas.max_retries=0")) {

      Throwable failure = failureOf(backend.forwardStream(userSays("hi"), this::collect).done());

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.OVERLOADED);
      assertThat(frames).isEmpty();
    }
  }

  @Test
  void forwardStream_chunksSlowerThanTimeout_failsWithUpstreamTimeout() throws Exception {
    upstream.chunkDelay(Duration.ofSeconds(5));
    try (ModelBackend backend = open(upstream, "saas.timeout=1")) {

      Throwable failure = failureOf(backend.forwardStream(userSays("a b c d"), this::collect).done());

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
      assertThat(frames).hasSize(1);
    }
  }

  @Test
  void cancel_midStream_stopsFramesAndTheUpstream() throws Exception {
    upstream.chunkDelay(Duration.ofSeconds(2));
    try (ModelBackend backend = open(upstream)) {
      StreamHandle handle = backend.forwardStream(userSays("one two three four five six seven eight"), this::collect);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !frames.isEmpty());

      handle.cancel().run();
      int seen = frames.size();

      assertThat(catchThrowable(() -> await(handle.done()))).isInstanceOf(CancellationException.class);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> upstream.inFlight() == 0);
      assertThat(frames).hasSize(seen);
      assertThat(upstream.answeredToTheEnd()).isZero();
    }
  }
}
