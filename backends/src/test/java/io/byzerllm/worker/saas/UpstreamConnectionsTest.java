package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.open;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ModelBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The upstream connection: one shared client per provider, and a request sent on a connection the
 * provider had closed is sent once more, while one whose answer began is never sent twice.
 * {@code saas.max_retries=0} throughout, so any second request is the stale-connection resend.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamConnectionsTest {
  private final FakeOpenAiServer upstream = FakeOpenAiServer.start();
  private final List<ChatDelta> deltas = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void chat_pooledConnectionDroppedBeforeAnyAnswer_sentOnceMoreAndAnswered() throws Exception {
    try (ModelBackend backend = open(upstream, "saas.max_retries=0")) {
      await(backend.chat(userSays("warm the pool")));
      upstream.dropConnectionNext();

      String answer = await(backend.chat(userSays("after the drop"))).content();

      assertThat(answer).isEqualTo("echo: after the drop");
      assertThat(upstream.requestCount()).isEqualTo(3);
    }
  }

  @Test
  void chat_droppedTwice_failsAsUpstreamErrorAfterOneResend() throws Exception {
    try (ModelBackend backend = open(upstream, "saas.max_retries=0")) {
      upstream.dropConnectionNext().dropConnectionNext();

      Throwable failure = failureOf(backend.chat(userSays("hi")));

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM);
      assertThat(upstream.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void chat_answerBreaksAfterItsHeaders_notSentAgain() throws Exception {
    try (ModelBackend backend = open(upstream, "saas.max_retries=0")) {
      upstream.breakMidBodyNext(200, "application/json", "this answer is cut in half");

      Throwable failure = failureOf(backend.chat(userSays("hi")));

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM);
      assertThat(upstream.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void stream_pooledConnectionDroppedBeforeAnyAnswer_sentOnceMoreAndStreamed() throws Exception {
    try (ModelBackend backend = open(upstream, "saas.max_retries=0")) {
      await(backend.chat(userSays("warm the pool")));
      upstream.dropConnectionNext();

      String answer = await(backend.stream(userSays("a b"), deltas::add).done()).content();

      assertThat(answer).isEqualTo("echo: a b");
      assertThat(deltas).isNotEmpty();
      assertThat(upstream.requestCount()).isEqualTo(3);
    }
  }

  @Test
  void open_twoBackendsOfOneProvider_shareOneClientUntilTheLastCloses() throws Exception {
    Duration connectTimeout = Duration.ofSeconds(30);
    ModelBackend first = open(upstream);
    ModelBackend second = open(upstream, "saas.model=another-model");
    try {
      assertThat(UpstreamClients.references(upstream.baseUrl(), connectTimeout)).isEqualTo(2);
      assertThat(await(first.chat(userSays("one"))).content()).isEqualTo("echo: one");
      first.close();
      assertThat(UpstreamClients.references(upstream.baseUrl(), connectTimeout)).isEqualTo(1);
      assertThat(await(second.chat(userSays("two"))).content()).isEqualTo("echo: two");
    } finally {
      first.close();
      second.close();
    }
    assertThat(UpstreamClients.references(upstream.baseUrl(), connectTimeout)).isZero();
  }

  @Test
  void open_sameOriginDifferentPaths_oneKey() {
    assertThat(UpstreamClients.Key.of("https://API.example.com/v1", Duration.ofSeconds(1)))
        .isEqualTo(UpstreamClients.Key.of("https://api.example.com:443/compatible-mode/v1", Duration.ofSeconds(1)));
  }
}
