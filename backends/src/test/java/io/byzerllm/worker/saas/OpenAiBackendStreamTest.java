package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.open;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.StreamHandle;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiBackendStreamTest {
  private final FakeOpenAiServer upstream = FakeOpenAiServer.start();
  private final List<ChatDelta> deltas = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void stream_normalAnswer_deliversDeltasInOrderThenDoneWithUsage() throws Exception {
    try (ModelBackend backend = open(upstream)) {

      ChatResult r = await(backend.stream(userSays("tell me a story"), deltas::add).done());

      assertThat(contents()).containsExactly("echo:", " tell", " me", " a", " story");
      assertThat(deltas).anyMatch(d -> "stop".equals(d.finishReason()));
      assertThat(deltas.get(deltas.size() - 1).usage()).isNotNull();
      assertThat(r.content()).isEqualTo("echo: tell me a story");
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.usage().promptTokens()).isEqualTo(4);
      assertThat(r.usage().completionTokens()).isEqualTo(5);
      assertThat(r.firstTokenMillis()).isPositive();
      JsonNode sent = upstream.requests().get(0).json();
      assertThat(sent.get("stream").asBoolean()).isTrue();
      assertThat(sent.get("stream_options").get("include_usage").asBoolean()).isTrue();
    }
  }

  @Test
  void stream_reasoningModel_deliversReasoningBeforeContent() throws Exception {
    upstream.reasoning("let me think");
    try (ModelBackend backend = open(ModelType.SAAS_REASONING_OPENAI, upstream)) {

      ChatResult r = await(backend.stream(userSays("why"), deltas::add).done());

      assertThat(deltas.get(0).reasoningContent()).isEqualTo("let");
      assertThat(deltas.get(0).content()).isNull();
      assertThat(r.reasoningContent()).isEqualTo("let me think");
      assertThat(r.content()).isEqualTo("echo: why");
    }
  }

  @Test
  void stream_toolCallInFragments_mergesArguments() throws Exception {
    upstream.replyToolCall("search", "{\"query\":\"pekko cluster sharding\"}");
    try (ModelBackend backend = open(upstream)) {

      ChatResult r = await(backend.stream(userSays("look it up"), deltas::add).done());

      assertThat(deltas.stream().filter(d -> d.toolCalls() != null).count()).isGreaterThan(2);
      assertThat(r.finishReason()).isEqualTo("tool_calls");
      assertThat(r.toolCalls()).hasSize(1);
      assertThat(r.toolCalls().get(0).get("id").asText()).isEqualTo("call_fake_0");
      assertThat(r.toolCalls().get(0).get("function").get("name").asText()).isEqualTo("search");
      assertThat(r.toolCalls().get(0).get("function").get("arguments").asText())
          .isEqualTo("{\"query\":\"pekko cluster sharding\"}");
    }
  }

  @Test
  void stream_upstreamErrorEventMidway_failsDoneWithProviderMessage() throws Exception {
    upstream.failMidStreamNext("The model overloaded while generating");
    try (ModelBackend backend = open(upstream)) {

      Throwable failure = failureOf(backend.stream(userSays("one two three four"), deltas::add).done());

      assertThat(contents()).containsExactly("echo:", " one");
      assertThat(failure).isInstanceOf(LlmException.class);
      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM);
      assertThat(failure.getMessage()).contains("The model overloaded while generating").contains("127.0.0.1");
    }
  }

  @Test
  void stream_upstreamStallsBeforeAnswering_failsWithUpstreamTimeout() throws Exception {
    upstream.stallNext();
    try (ModelBackend backend = open(upstream, "saas.timeout=1", "saas.max_retries=0")) {

      Throwable failure = failureOf(backend.stream(userSays("hi"), deltas::add).done());

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
      assertThat(failure.getMessage()).contains("did not answer within 1s (saas.timeout)");
      assertThat(deltas).isEmpty();
    }
  }

  @Test
  void stream_errorStatusThenBodyStalls_failsWithUpstreamTimeout() throws Exception {
    upstream.stallMidBodyNext(500, "application/json", "the provider hung while writing this");
    try (ModelBackend backend = open(upstream, "saas.timeout=1", "saas.max_retries=0")) {

      Throwable failure = failureOf(backend.stream(userSays("hi"), deltas::add).done());

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
      assertThat(failure.getMessage()).contains("did not answer within 1s (saas.timeout)");
      assertThat(deltas).isEmpty();
    } finally {
      upstream.releaseStalled();
    }
  }

  @Test
  void stream_plainJsonAnswerThenBodyStalls_failsWithUpstreamTimeout() throws Exception {
    upstream.stallMidBodyNext(200, "application/json", "a 200 JSON body that never ends");
    try (ModelBackend backend = open(upstream, "saas.timeout=1", "saas.max_retries=0")) {

      Throwable failure = failureOf(backend.stream(userSays("hi"), deltas::add).done());

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
      assertThat(deltas).isEmpty();
    } finally {
      upstream.releaseStalled();
    }
  }

  @Test
  void stream_chunksSlowerThanTimeout_failsWithUpstreamTimeoutAfterFirstDeltas() throws Exception {
    upstream.chunkDelay(Duration.ofSeconds(5));
    try (ModelBackend backend = open(upstream, "saas.timeout=1")) {

      Throwable failure = failureOf(backend.stream(userSays("a b c d"), deltas::add).done());

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
      assertThat(contents()).containsExactly("echo:");
    }
  }

  @Test
  void cancel_streamStalledUpstream_completesDoneAtOnce() throws Exception {
    upstream.stallNext();
    try (ModelBackend backend = open(upstream)) {
      StreamHandle handle = backend.stream(userSays("hi"), deltas::add);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> upstream.inFlight() == 1);

      handle.cancel().run();

      assertThat(catchThrowable(() -> await(handle.done()))).isInstanceOf(CancellationException.class);
      handle.cancel().run(); // a second cancel is harmless
      assertThat(deltas).isEmpty();
    }
  }

  @Test
  void cancel_midStream_stopsDeliveringDeltas() throws Exception {
    upstream.chunkDelay(Duration.ofSeconds(2));
    try (ModelBackend backend = open(upstream)) {
      StreamHandle handle = backend.stream(userSays("one two three four five six seven eight"), deltas::add);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !deltas.isEmpty());

      handle.cancel().run();
      int seen = deltas.size();

      assertThat(catchThrowable(() -> await(handle.done()))).isInstanceOf(CancellationException.class);
      assertThat(deltas).hasSize(seen);
      assertThat(seen).isLessThan(9);
    }
  }

  @Test
  void stream_upstream503BeforeFirstByte_isRetried() throws Exception {
    upstream.failNext(503, "The engine is currently overloaded");
    try (ModelBackend backend = open(upstream, "saas.max_retries=1")) {

      ChatResult r = await(backend.stream(userSays("hello"), deltas::add).done());

      assertThat(r.content()).isEqualTo("echo: hello");
      assertThat(upstream.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void stream_upstream401_failsWithAuthenticationAndNoDeltas() throws Exception {
    upstream.requireApiKey("sk-the-right-one-000");
    try (ModelBackend backend = open(upstream)) {

      Throwable failure = failureOf(backend.stream(userSays("hello"), deltas::add).done());

      assertThat(((LlmException) failure).status()).isEqualTo(401);
      assertThat(failure.getMessage()).contains("Incorrect API key provided").doesNotContain(TestBackends.TEST_KEY);
      assertThat(deltas).isEmpty();
    }
  }

  private List<String> contents() {
    return deltas.stream().map(ChatDelta::content).filter(Objects::nonNull).toList();
  }
}
