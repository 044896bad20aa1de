package io.byzerllm.worker.saas.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.byzerllm.testkit.FakeOpenAiServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lean HTTP/1.1 client against the testkit's fake provider and a raw socket server for the edge cases. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlainHttpClientTest {
  private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
  private static final long WAIT = 10;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T t) {
    toClose.add(t);
    return t;
  }

  private PlainHttpClient client(int port, Duration keepAlive, int maxConnections) {
    return closing(new PlainHttpClient("127.0.0.1", port, Duration.ofSeconds(5), keepAlive, maxConnections, "plain-http-test-"));
  }

  private static HttpRequest post(String baseUrl, String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
        .header("Authorization", "Bearer sk-test-key").header("X-Extra", "extra value")
        .POST(HttpRequest.BodyPublishers.noBody()).build();
  }

  private static HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> f) throws Exception {
    return f.get(WAIT, TimeUnit.SECONDS);
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    Throwable t = catchThrowable(() -> f.get(WAIT, TimeUnit.SECONDS));
    assertThat(t).as("the call should have failed").isInstanceOf(ExecutionException.class);
    return t.getCause();
  }

  /** Waits (without sleeping a fixed time) until {@code condition} holds or {@code seconds} pass. */
  private static boolean within(int seconds, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Object lock = new Object();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      synchronized (lock) {
        lock.wait(5); // a poll interval, not a wait for the outcome
      }
    }
    return true;
  }

  @Test
  void post_toFakeProvider_answersWholeAndReusesTheConnection() throws Exception {
    FakeOpenAiServer upstream = closing(FakeOpenAiServer.start());
    URI uri = URI.create(upstream.baseUrl());
    PlainHttpClient client = client(uri.getPort(), Duration.ofSeconds(30), 4);

    HttpResponse<byte[]> first = await(client.post(post(upstream.baseUrl(), "/chat/completions"), CHAT.getBytes()));
    HttpResponse<byte[]> second = await(client.post(post(upstream.baseUrl(), "/chat/completions"), CHAT.getBytes()));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(text(first)).contains("echo: hi there");
    assertThat(first.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
    assertThat(text(second)).contains("echo: hi there");
    assertThat(upstream.lastRequest().header("Authorization")).isEqualTo("Bearer sk-test-key");
    assertThat(client.openConnections()).isEqualTo(1);
  }

  @Test
  void post_providerStatusOfItsOwn_keptWithItsBody() throws Exception {
    FakeOpenAiServer upstream = closing(FakeOpenAiServer.start());
    upstream.failNext(499, "the client closed the request");
    PlainHttpClient client = client(URI.create(upstream.baseUrl()).getPort(), Duration.ofSeconds(30), 4);

    HttpResponse<byte[]> answer = await(client.post(post(upstream.baseUrl(), "/chat/completions"), CHAT.getBytes()));

    assertThat(answer.statusCode()).isEqualTo(499);
    assertThat(text(answer)).contains("the client closed the request");
  }

  @Test
  void post_chunkedAnswerWithTrailer_readWholeAndConnectionKept() throws Exception {
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      for (String head = c.readRequest(); head != null; head = c.readRequest()) {
        c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "7;ext=1\r\n{\"a\":\"b\r\n3\r\nc\"}\r\n0\r\nX-Trailer: t\r\n\r\n");
      }
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);

    HttpResponse<byte[]> first = await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));
    HttpResponse<byte[]> second = await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));

    assertThat(text(first)).isEqualTo("{\"a\":\"bc\"}");
    assertThat(text(second)).isEqualTo("{\"a\":\"bc\"}");
    assertThat(server.accepted()).isEqualTo(1);
  }

  @Test
  void post_requestOnTheWire_hasHostLengthHeadersAndBodyInOneRequest() throws Exception {
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);

    await(client.post(post(server.baseUrl(), "/v1/chat?api-version=1"), CHAT.getBytes()));

    assertThat(server.requests()).hasSize(1);
    assertThat(server.requests().get(0)).startsWith("POST /v1/chat?api-version=1 HTTP/1.1\r\n")
        .contains("Host: 127.0.0.1:" + server.port() + "\r\n", "Content-Length: " + CHAT.length() + "\r\n",
            "X-Extra: extra value\r\n", "Authorization: Bearer sk-test-key\r\n");
  }

  @Test
  void post_answerSaysConnectionClose_nextCallOpensAFreshConnection() throws Exception {
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nfirst");
    }, c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);

    HttpResponse<byte[]> first = await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));
    HttpResponse<byte[]> second = await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));

    assertThat(text(first)).isEqualTo("first");
    assertThat(text(second)).isEqualTo("second");
    assertThat(server.accepted()).isEqualTo(2);
  }

  @Test
  void post_noLengthAndConnectionEnds_bodyIsAllUntilTheEnd() throws Exception {
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      c.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it");
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);

    HttpResponse<byte[]> answer = await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));

    assertThat(text(answer)).isEqualTo("all of it");
  }

  @Test
  void post_pooledConnectionClosedByServer_freshConnectionOrResendableFailure() throws Exception {
    CountDownLatch closedByServer = new CountDownLatch(1);
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      c.socket.close(); // as an idle timeout would, without saying so in the answer
      closedByServer.countDown();
    }, c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);
    await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));
    assertThat(closedByServer.await(WAIT, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<HttpResponse<byte[]>> second = client.post(post(server.baseUrl(), "/x"), CHAT.getBytes());

    // Whether the client saw the close before reusing the connection is a race: either it sent on a
    // fresh connection, or the call fails as one the caller may send again (no byte of an answer came).
    if (answeredOrResendable(second, "fresh")) {
      assertThat(server.accepted()).isEqualTo(2);
    }
  }

  /** True when {@code call} answered {@code expected}; else asserts it failed as one the caller may send again. */
  private static boolean answeredOrResendable(CompletableFuture<HttpResponse<byte[]>> call, String expected) {
    Throwable failure = catchThrowable(() -> call.get(WAIT, TimeUnit.SECONDS));
    if (failure == null) {
      assertThat(text(call.join())).isEqualTo(expected);
      return true;
    }
    assertThat(failure).isInstanceOf(ExecutionException.class);
    assertThat(failure.getCause()).isInstanceOf(IOException.class).isNotInstanceOf(PlainHttpClient.AnswerBrokeOff.class);
    return false;
  }

  @Test
  void post_answerBreaksInItsBody_failsAsAnswerBrokeOff() throws Exception {
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);

    Throwable failure = failureOf(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));

    assertThat(failure).isInstanceOf(PlainHttpClient.AnswerBrokeOff.class).hasMessageContaining("9 of 100");
  }

  @Test
  void post_nothingListens_failsAsConnectException() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PlainHttpClient client = client(port, Duration.ofSeconds(30), 4);

    Throwable failure = failureOf(client.post(post("http://127.0.0.1:" + port, "/x"), CHAT.getBytes()));

    assertThat(failure).isInstanceOf(ConnectException.class);
  }

  @Test
  void cancel_callUnderWay_closesItsConnection() throws Exception {
    CountDownLatch requestRead = new CountDownLatch(1);
    CountDownLatch clientHungUp = new CountDownLatch(1);
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      requestRead.countDown();
      if (c.clientClosesWithin((int) WAIT)) { // never answers: only the client can end this
        clientHungUp.countDown();
      }
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);
    CompletableFuture<HttpResponse<byte[]>> call = client.post(post(server.baseUrl(), "/x"), CHAT.getBytes());
    assertThat(requestRead.await(WAIT, TimeUnit.SECONDS)).isTrue();

    call.cancel(true);

    assertThat(clientHungUp.await(WAIT, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void keepAlive_connectionIdleLongerThanIt_closedAndItsThreadEnds() throws Exception {
    CountDownLatch clientHungUp = new CountDownLatch(1);
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      if (c.clientClosesWithin((int) WAIT)) {
        clientHungUp.countDown();
      }
    }));
    PlainHttpClient client = client(server.port(), Duration.ofMillis(200), 4);

    await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));

    assertThat(clientHungUp.await(WAIT, TimeUnit.SECONDS)).isTrue();
    assertThat(within((int) WAIT, () -> client.openConnections() == 0)).isTrue();
  }

  @Test
  void post_moreCallsThanConnections_queuedCallsAnsweredOnTheSameConnection() throws Exception {
    FakeOpenAiServer upstream = closing(FakeOpenAiServer.start());
    upstream.latency(Duration.ofMillis(50));
    PlainHttpClient client = client(URI.create(upstream.baseUrl()).getPort(), Duration.ofSeconds(30), 1);

    List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(client.post(post(upstream.baseUrl(), "/chat/completions"), CHAT.getBytes()));
    }

    for (CompletableFuture<HttpResponse<byte[]>> c : calls) {
      assertThat(await(c).statusCode()).isEqualTo(200);
    }
    assertThat(upstream.maxInFlight()).isEqualTo(1);
    assertThat(client.openConnections()).isEqualTo(1);
  }

  @Test
  void post_answered_continuationRunsOnTheConnectionThread() throws Exception {
    CountDownLatch continuationAttached = new CountDownLatch(1);
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      try { // answer only once the continuation is attached: else it may run on the caller, the future already done
        if (!continuationAttached.await(WAIT, TimeUnit.SECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);
    AtomicReference<String> thread = new AtomicReference<>();

    CompletableFuture<Void> continuation = client.post(post(server.baseUrl(), "/x"), CHAT.getBytes())
        .thenAccept(r -> thread.set(Thread.currentThread().getName()));
    continuationAttached.countDown();
    continuation.get(WAIT, TimeUnit.SECONDS);

    assertThat(thread.get()).startsWith("plain-http-test-").doesNotContain("writer");
  }

  @Test
  void close_callQueued_failsIt() throws Exception {
    FakeOpenAiServer upstream = closing(FakeOpenAiServer.start());
    PlainHttpClient client = client(URI.create(upstream.baseUrl()).getPort(), Duration.ofSeconds(30), 4);
    client.close();

    Throwable failure = failureOf(client.post(post(upstream.baseUrl(), "/chat/completions"), CHAT.getBytes()));

    assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining("closed");
  }
  @Test
  void idleConnection_closedByServer_leavesThePoolAndTheNextCallSucceedsWithoutAResend() throws Exception {
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      // then closes, as an idle timeout would, without saying so in the answer
    }, c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
      c.clientClosesWithin((int) WAIT);
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);
    await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));

    assertThat(within((int) WAIT, () -> client.openConnections() == 0)).as("the closed connection left the pool").isTrue();
    HttpResponse<byte[]> next = await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));

    assertThat(text(next)).isEqualTo("fresh");
    assertThat(server.requests()).as("each call sent once: no resend").hasSize(2);
    assertThat(server.accepted()).isEqualTo(2);
  }

  @Test
  void post_rightAfterTheServerClosesEachConnection_answersOrFailsResendablyNeverHangs() throws Exception {
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); // keep-alive said, then the close: the race
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);
    int answered = 0;

    for (int i = 0; i < 200; i++) {
      if (answeredOrResendable(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()), "ok")) {
        answered++;
      }
    }

    assertThat(answered).isPositive();
    assertThat(within((int) WAIT, () -> client.openConnections() == 0)).isTrue();
  }

  @Test
  void post_largeBodyToASlowReader_completesWrittenByAWriterNotTheCaller() throws Exception {
    CountDownLatch mayRead = new CountDownLatch(1);
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      try {
        if (!mayRead.await(WAIT, TimeUnit.SECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      String head = c.readRequest();
      String length = head.substring(head.indexOf("Content-Length: ") + 16, head.indexOf("\r\n", head.indexOf("Content-Length: ")));
      c.write("HTTP/1.1 200 OK\r\nContent-Length: " + ("got " + length).length() + "\r\n\r\ngot " + length);
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);
    await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes())); // an idle connection for the large call to take
    byte[] large = new byte[1024 * 1024];
    java.util.Arrays.fill(large, (byte) 'a');

    CompletableFuture<HttpResponse<byte[]>> call = client.post(post(server.baseUrl(), "/x"), large); // returns unread
    assertThat(within((int) WAIT, () -> Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith("plain-http-test-writer-")))).as("a writer thread writes it").isTrue();
    mayRead.countDown();

    assertThat(text(await(call))).isEqualTo("got " + large.length);
    assertThat(server.accepted()).isEqualTo(1);
  }

  @Test
  void post_200ConcurrentCallsOnALimitOf4_allAnsweredOnAtMost4Connections() throws Exception {
    FakeOpenAiServer upstream = closing(FakeOpenAiServer.start());
    upstream.latency(Duration.ofMillis(2));
    PlainHttpClient client = client(URI.create(upstream.baseUrl()).getPort(), Duration.ofSeconds(30), 4);
    ExecutorService callers = Executors.newFixedThreadPool(8);
    toClose.add(callers::shutdownNow);
    List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(CompletableFuture.supplyAsync(() -> client.post(post(upstream.baseUrl(), "/chat/completions"),
          CHAT.getBytes()), callers).thenCompose(f -> f));
    }

    for (CompletableFuture<HttpResponse<byte[]>> c : calls) {
      assertThat(text(await(c))).contains("echo: hi there");
    }
    assertThat(upstream.maxInFlight()).isLessThanOrEqualTo(4);
    assertThat(client.openConnections()).isBetween(1, 4);
  }

  @Test
  void cancel_callOnAPooledConnection_closesItsSocket() throws Exception {
    CountDownLatch secondRequestRead = new CountDownLatch(1);
    CountDownLatch clientHungUp = new CountDownLatch(1);
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      c.readRequest();
      secondRequestRead.countDown();
      if (c.clientClosesWithin((int) WAIT)) { // never answers: only the client can end this
        clientHungUp.countDown();
      }
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);
    await(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));
    CompletableFuture<HttpResponse<byte[]>> call = client.post(post(server.baseUrl(), "/x"), CHAT.getBytes());
    assertThat(secondRequestRead.await(WAIT, TimeUnit.SECONDS)).isTrue();

    call.cancel(true);

    assertThat(clientHungUp.await(WAIT, TimeUnit.SECONDS)).isTrue();
    assertThat(within((int) WAIT, () -> client.openConnections() == 0)).isTrue();
  }

  @Test
  void close_whileCallsAreUnderWayAndQueued_failsThemAllAndClosesEveryConnection() throws Exception {
    CountDownLatch underWay = new CountDownLatch(4);
    AtomicInteger hungUp = new AtomicInteger();
    RawHttpServer server = closing(RawHttpServer.start(c -> {
      c.readRequest();
      underWay.countDown();
      if (c.clientClosesWithin((int) WAIT)) { // never answers
        hungUp.incrementAndGet();
      }
    }));
    PlainHttpClient client = client(server.port(), Duration.ofSeconds(30), 4);
    List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()));
    }
    assertThat(underWay.await(WAIT, TimeUnit.SECONDS)).isTrue();

    client.close();

    for (CompletableFuture<HttpResponse<byte[]>> c : calls) {
      assertThat(failureOf(c)).isInstanceOf(IOException.class);
    }
    assertThat(within((int) WAIT, () -> client.openConnections() == 0 && hungUp.get() == 4)).isTrue();
    assertThat(failureOf(client.post(post(server.baseUrl(), "/x"), CHAT.getBytes()))).hasMessageContaining("closed");
  }
}
