package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.saas.internal.RawHttpServer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whole answers from a plain-http provider on the lean client keep the transport's guarantees: a
 * pooled connection the provider closed is sent again once on a fresh one, {@code saas.timeout}
 * ends a call that gets no answer and closes its connection, a caller who goes closes it too, and
 * {@code saas.http_client=jdk} sends on the JDK's client instead.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlainHttpTransportTest {
  private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"fake-chat\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"raw hello\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";

  private static void answer(RawHttpServer.Connection c) throws java.io.IOException {
    c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + ANSWER.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + ANSWER);
  }

  @Test
  void chat_pooledConnectionClosedWhileIdle_sentOnceMoreOnAFreshConnection() throws Exception {
    CountDownLatch closedByServer = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(c -> {
      c.readRequest();
      answer(c);
      c.socket.close(); // the provider's idle timeout, unannounced
      closedByServer.countDown();
    }, c -> {
      for (String head = c.readRequest(); head != null; head = c.readRequest()) {
        answer(c);
      }
    }); ModelBackend backend = TestBackends.open(ModelType.SAAS_OPENAI, server.baseUrl(), "saas.max_retries=0")) {
      await(backend.chat(userSays("first")));
      assertThat(closedByServer.await(10, TimeUnit.SECONDS)).isTrue();

      String second = await(backend.chat(userSays("second"))).content();

      assertThat(second).isEqualTo("raw hello");
      assertThat(server.accepted()).isEqualTo(2);
      assertThat(server.requests()).hasSize(2); // the send on the dead connection reached no one
    }
  }

  @Test
  void chat_providerNeverAnswers_timesOutAndClosesTheConnection() throws Exception {
    CountDownLatch clientHungUp = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(c -> {
      c.readRequest();
      if (c.clientClosesWithin(20)) {
        clientHungUp.countDown();
      }
    }); ModelBackend backend = TestBackends.open(ModelType.SAAS_OPENAI, server.baseUrl(), "saas.timeout=0.5")) {

      Throwable failure = failureOf(backend.chat(userSays("hi")));

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
      assertThat(failure).hasMessageContaining("0.5s");
      assertThat(clientHungUp.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void chat_callerGoes_connectionClosed() throws Exception {
    CountDownLatch requestRead = new CountDownLatch(1);
    CountDownLatch clientHungUp = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(c -> {
      c.readRequest();
      requestRead.countDown();
      if (c.clientClosesWithin(20)) {
        clientHungUp.countDown();
      }
    }); ModelBackend backend = TestBackends.open(ModelType.SAAS_OPENAI, server.baseUrl())) {
      CompletableFuture<?> call = backend.chat(userSays("hi")).toCompletableFuture();
      assertThat(requestRead.await(10, TimeUnit.SECONDS)).isTrue();

      call.cancel(true);

      assertThat(clientHungUp.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void close_lastBackendOfTheOrigin_closesItsIdleConnection() throws Exception {
    CountDownLatch clientHungUp = new CountDownLatch(1);
    try (RawHttpServer server = RawHttpServer.start(c -> {
      c.readRequest();
      answer(c);
      if (c.clientClosesWithin(20)) {
        clientHungUp.countDown();
      }
    })) {
      ModelBackend first = TestBackends.open(ModelType.SAAS_OPENAI, server.baseUrl());
      ModelBackend second = TestBackends.open(ModelType.SAAS_OPENAI, server.baseUrl());
      await(first.chat(userSays("hi")));

      first.close();
      assertThat(clientHungUp.getCount()).as("another backend still uses the origin").isEqualTo(1);
      second.close();

      assertThat(clientHungUp.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void chat_byDefault_sentOnTheLeanClientWithTheUsersHeaders() throws Exception {
    try (RawHttpServer server = RawHttpServer.start(c -> {
      c.readRequest();
      answer(c);
    }); ModelBackend backend = TestBackends.open(ModelType.SAAS_OPENAI, server.baseUrl(), "saas.headers.X-Team=blue")) {

      await(backend.chat(userSays("hi")));

      assertThat(server.requests().get(0)).contains("X-Team: blue\r\n", "Authorization: Bearer " + TestBackends.TEST_KEY)
          .doesNotContain("Java-http-client");
    }
  }

  @Test
  void chat_httpClientJdk_sentOnTheJdkClient() throws Exception {
    try (RawHttpServer server = RawHttpServer.start(c -> {
      c.readRequest();
      answer(c);
    }); ModelBackend backend = TestBackends.open(ModelType.SAAS_OPENAI, server.baseUrl(), "saas.http_client=jdk")) {

      await(backend.chat(userSays("hi")));

      assertThat(server.requests().get(0)).containsIgnoringCase("User-Agent: Java-http-client");
    }
  }

  @Test
  void open_httpClientUnknown_refusedNamingTheParam() {
    assertThatThrownBy(() -> TestBackends.open(ModelType.SAAS_OPENAI, "http://127.0.0.1:9", "saas.http_client=netty"))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("saas.http_client must be auto or jdk (got 'netty')");
  }
}
