package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.open;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.ModelBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiBackendErrorsTest {
  private final FakeOpenAiServer upstream = FakeOpenAiServer.start();

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void chat_upstreamRejectsKey_keeps401AndMessageWithoutTheKey() throws Exception {
    upstream.requireApiKey("sk-the-right-key-999");
    try (ModelBackend backend = open(upstream)) {

      Throwable failure = failureOf(backend.chat(userSays("hi")));

      assertThat(failure).isInstanceOf(LlmException.class);
      LlmException e = (LlmException) failure;
      assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(e.status()).isEqualTo(401);
      assertThat(e.getMessage()).startsWith("upstream 127.0.0.1 answered 401: Incorrect API key provided: ***");
      assertThat(everythingPrintedAbout(e)).doesNotContain(TEST_KEY).doesNotContain("4f9a1c2e7b6d");
    }
  }

  @Test
  void chat_upstream429_failsOverloadedWithItsRetryAfter() throws Exception {
    upstream.failNext(429, "Rate limit reached for requests", Map.of("Retry-After", "7"));
    try (ModelBackend backend = open(upstream, "saas.max_retries=0")) {

      Throwable failure = failureOf(backend.chat(userSays("hi")));

      assertThat(failure).isInstanceOf(OverloadedException.class);
      OverloadedException e = (OverloadedException) failure;
      assertThat(e.status()).isEqualTo(429);
      assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
      assertThat(e.getMessage()).isEqualTo("upstream 127.0.0.1 answered 429: Rate limit reached for requests");
    }
  }

  @Test
  void chat_upstream429AsksForLongWait_isNotRetried() throws Exception {
    upstream.failNext(429, "Quota window resets soon", Map.of("Retry-After", "60"));
    try (ModelBackend backend = open(upstream, "saas.max_retries=2")) {

      Throwable failure = failureOf(backend.chat(userSays("hi")));

      assertThat(((OverloadedException) failure).retryAfter()).isEqualTo(Duration.ofSeconds(60));
      assertThat(upstream.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void chat_upstream500ThenSuccessWithOneRetry_succeedsAfterTwoRequests() throws Exception {
    upstream.failNext(500, "The server had an error while processing your request");
    try (ModelBackend backend = open(upstream, "saas.max_retries=1")) {

      ChatResult r = await(backend.chat(userSays("hello")));

      assertThat(r.content()).isEqualTo("echo: hello");
      assertThat(upstream.requests()).hasSize(2);
    }
  }

  @Test
  void chat_upstream500WithoutRetries_failsAs502WithProviderMessage() throws Exception {
    upstream.failNext(500, "The server had an error while processing your request");
    try (ModelBackend backend = open(upstream, "saas.max_retries=0")) {

      Throwable failure = failureOf(backend.chat(userSays("hello")));

      LlmException e = (LlmException) failure;
      assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM);
      assertThat(e.status()).isEqualTo(502);
      assertThat(e.getMessage())
          .isEqualTo("upstream 127.0.0.1 answered 500: The server had an error while processing your request");
      assertThat(upstream.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void chat_upstream400_isNotRetriedAndKeeps400() throws Exception {
    upstream.failNext(400, "'messages' must contain the word 'json'");
    try (ModelBackend backend = open(upstream, "saas.max_retries=2")) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hello")));

      assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).endsWith("'messages' must contain the word 'json'");
      assertThat(upstream.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void chat_upstream404_isInvalidRequestKeeping404() throws Exception {
    upstream.failNext(404, "The model `gpt-9` does not exist");
    try (ModelBackend backend = open(upstream)) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hello")));

      assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
      assertThat(e.status()).isEqualTo(404);
      assertThat(e.getMessage()).contains("The model `gpt-9` does not exist");
    }
  }

  @Test
  void chat_upstream403_isPermission() throws Exception {
    upstream.failNext(403, "Country, region, or territory not supported");
    try (ModelBackend backend = open(upstream)) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hello")));

      assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION);
      assertThat(e.status()).isEqualTo(403);
    }
  }

  @Test
  void chat_upstreamStalls_failsWithUpstreamTimeoutAndIsNotRetried() throws Exception {
    upstream.stallAll(true);
    try (ModelBackend backend = open(upstream, "saas.timeout=1", "saas.max_retries=2")) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hello")));

      assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
      assertThat(e.status()).isEqualTo(504);
      assertThat(e.getMessage()).isEqualTo("upstream 127.0.0.1 did not answer within 1s (saas.timeout)");
      assertThat(upstream.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void embed_nothingListening_failsAsUpstreamNamingTheUrlNotTheKey() throws Exception {
    String deadUrl;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadUrl = "http://127.0.0.1:" + s.getLocalPort() + "/v1";
    }
    try (ModelBackend backend = open(upstream, "saas.base_url=" + deadUrl, "saas.max_retries=1")) {

      LlmException e = (LlmException) failureOf(backend.embed(EmbeddingCall.of(List.of("a"))));

      assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM);
      assertThat(e.getMessage()).startsWith("cannot reach " + deadUrl + ": ");
      assertThat(everythingPrintedAbout(e)).doesNotContain(TEST_KEY);
    }
  }

  @Test
  void chat_upstream502_failsAs502KeepingProviderMessage() throws Exception {
    upstream.failNext(502, "<html>Bad gateway from the proxy</html>");
    try (ModelBackend backend = open(upstream, "saas.max_retries=0")) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hello")));

      assertThat(e.status()).isEqualTo(502);
      assertThat(e.getMessage()).contains("Bad gateway from the proxy");
    }
  }

  @Test
  void close_callAndStreamUnderWay_failThemAsUnavailable() throws Exception {
    upstream.stallAll(true);
    ModelBackend backend = open(upstream);
    var call = backend.chat(userSays("hello"));
    var stream = backend.stream(userSays("hello"), d -> { });
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> upstream.inFlight() == 2);

    backend.close();

    assertThat(((LlmException) failureOf(call)).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(((LlmException) failureOf(stream.done())).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(((LlmException) failureOf(backend.chat(userSays("again")))).getMessage()).contains("was closed");
  }

  /** The exception's toString and stack trace, causes included: everything a log line could show. */
  private static String everythingPrintedAbout(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return t + "\n" + out;
  }
}
