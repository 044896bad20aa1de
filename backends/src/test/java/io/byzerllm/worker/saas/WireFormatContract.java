package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.open;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.testkit.FakeUpstream;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ModelBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every chat provider's wire must do over the shared core, against the provider's own fake:
 * chat, stream, its 401/429/5xx shapes as our kinds, a stall as 504, a dropped pooled connection
 * sent again, a mid-stream error, and the key in no message. A provider's wire test extends it
 * with {@link #type()} and {@link #startFake()} and adds what is its own.
 */
abstract class WireFormatContract {
  FakeUpstream<?> upstream;
  ModelBackend backend;

  abstract ModelType type();

  /** The provider's fake, requiring {@link TestBackends#TEST_KEY}. */
  abstract FakeUpstream<?> startFake();

  @BeforeEach
  void openBackend() {
    upstream = startFake();
    backend = open(type(), upstream);
  }

  @AfterEach
  void closeBackend() {
    backend.close();
    upstream.close();
  }

  @Test
  void chat_nothingQueued_answersTheFakesEcho() throws Exception {
    ChatResult r = await(backend.chat(userSays("hello wire")));

    assertThat(r.content()).isEqualTo("echo: hello wire");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.usage().completionTokens()).isEqualTo(3);
  }

  @Test
  void stream_nothingQueued_deltasJoinToTheAnswer() throws Exception {
    List<ChatDelta> deltas = new CopyOnWriteArrayList<>();

    ChatResult r = await(backend.stream(userSays("a b c d"), deltas::add).done());

    StringBuilder joined = new StringBuilder();
    deltas.forEach(d -> joined.append(d.content() == null ? "" : d.content()));
    assertThat(joined.toString()).isEqualTo("echo: a b c d").isEqualTo(r.content());
    assertThat(r.finishReason()).isEqualTo("stop");
  }

  @Test
  void chat_upstream429_isOverloadedWithItsRetryAfter() {
    upstream.failNext(429, "too many requests", Map.of("Retry-After", "7"));
    try (ModelBackend once = open(type(), upstream, "saas.max_retries=0")) {

      Throwable failure = failureOf(once.chat(userSays("hi")));

      assertThat(failure).isInstanceOf(OverloadedException.class).hasMessageContaining("too many requests");
      assertThat(((OverloadedException) failure).retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }
  }

  @Test
  void chat_upstream500_isUpstreamErrorWithTheProvidersMessage() {
    upstream.failNext(500, "something broke");
    try (ModelBackend once = open(type(), upstream, "saas.max_retries=0")) {

      Throwable failure = failureOf(once.chat(userSays("hi")));

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM);
      assertThat(failure).hasMessageContaining("answered 500").hasMessageContaining("something broke");
    }
  }

  @Test
  void chat_upstream500Once_isRetriedAndAnswers() throws Exception {
    upstream.failNext(500, "something broke");

    assertThat(await(backend.chat(userSays("hi"))).content()).isEqualTo("echo: hi");
    assertThat(upstream.requestCount()).isEqualTo(2);
  }

  @Test
  void chat_upstreamStalls_timesOutAs504() {
    upstream.stallNext();
    try (ModelBackend quick = open(type(), upstream, "saas.timeout=0.5")) {

      Throwable failure = failureOf(quick.chat(userSays("hi")));

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
      assertThat(failure).hasMessageContaining("saas.timeout");
    }
  }

  @Test
  void chat_connectionDroppedBeforeAnswer_isSentAgainOnce() throws Exception {
    upstream.dropConnectionNext();

    assertThat(await(backend.chat(userSays("hi"))).content()).isEqualTo("echo: hi");
    assertThat(upstream.requestCount()).isEqualTo(2);
  }

  @Test
  void stream_errorAfterTwoDeltas_failsWithTheProvidersMessage() {
    upstream.failMidStreamNext("gone mid-way");

    Throwable failure = failureOf(backend.stream(userSays("one two three four"), d -> {}).done());

    assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM);
    assertThat(failure).hasMessageContaining("mid-stream").hasMessageContaining("gone mid-way");
  }

  @Test
  void chat_wrongKey_isAuthenticationAndNoMessageShowsAKey() {
    String wrongKey = "sk-wrong-key-5e6f7a8b9c0d";
    try (ModelBackend wrong = open(type(), upstream, "saas.api_key=" + wrongKey)) {

      Throwable failure = failureOf(wrong.chat(userSays("hi")));

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(failure.getMessage()).doesNotContain(wrongKey).doesNotContain(TEST_KEY);
      assertThat(backend.describe().toString()).doesNotContain(TEST_KEY);
      assertThat(backend.toString()).doesNotContain(TEST_KEY);
    }
  }
}
