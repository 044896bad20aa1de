package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scriptable core of every fake provider: a server on {@code 127.0.0.1} at a port the OS picks
 * that records and counts requests and plays queued instructions as data (answers, tool calls,
 * failures, stalls, broken bodies, dropped connections), knowing nothing of any provider's wire
 * format. A provider's fake ({@link FakeOpenAiServer}, {@link FakeClaudeServer}, {@link FakeGeminiServer})
 * adds its paths, auth check, error shape and answers, following the provider's documentation.
 *
 * <p>Each queued instruction is used by the next request it applies to, in order (a reply waits for a
 * chat request; failures and stalls apply to any endpoint). The last {@value #RECORD_LIMIT} requests
 * are recorded unless {@link #recording(boolean)} is off. All methods are thread-safe. Close it to
 * stop the server and drop stalled requests.
 *
 * @param <S> the provider's fake, so that settings chain
 */
public abstract class FakeUpstream<S extends FakeUpstream<S>> implements AutoCloseable {
  /** How many requests {@link #requests()} keeps, the newest last. */
  public static final int RECORD_LIMIT = 1024;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Deque<Script> scripts = new ArrayDeque<>();
  private final Deque<RecordedRequest> recorded = new ArrayDeque<>();
  private final List<FakeExchange> stalled = new ArrayList<>();
  private final AtomicInteger requestCount = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger answeredToTheEnd = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile boolean recording = true;
  private volatile boolean stallAll;
  private volatile String apiKey;
  private volatile String reasoning;
  private volatile Duration latency = Duration.ZERO;
  private volatile Duration chunkDelay = Duration.ZERO;
  private volatile int embeddingDimension = 8;

  static {
    // The JDK server writes a response's headers and body as separate small packets; with Nagle's
    // algorithm on, the body then waits for the client's delayed ACK (~40 ms a request). The server
    // reads this property once, when its first instance in the JVM starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** Starts serving at once; {@code name} names the server's threads. */
  FakeUpstream(String name) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      // A thread per concurrent request (a stalled or slow request holds one), reused between requests.
      AtomicInteger threads = new AtomicInteger();
      executor = new ThreadPoolExecutor(16, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, name + "-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      server.createContext("/", this::handle);
      server.setExecutor(executor);
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake upstream " + name + " on 127.0.0.1", e);
    }
  }

  // ---- what a provider's fake supplies ----

  /** What {@code saas.base_url} should be for this provider. */
  public abstract String baseUrl();

  /** Whether the request is a chat request (queued replies and tool calls wait for one). */
  abstract boolean isChat(FakeExchange ex);

  /**
   * Checks the provider's credentials against {@link #requiredApiKey()} (null: no check); on a
   * mismatch answers the provider's own 401 and returns false.
   */
  abstract boolean authorized(FakeExchange ex) throws IOException;

  /** The provider's error body for a status and message. */
  abstract JsonNode errorBody(int status, String message);

  /** Whether the provider takes this method on this path; others get a 405. POST by default. */
  boolean accepts(FakeExchange ex) {
    return "POST".equals(ex.method());
  }

  /** Answers a request the core did not answer itself; {@code script} is a reply, tool call, mid-stream failure or null. */
  abstract void route(FakeExchange ex, Script script) throws IOException, InterruptedException;

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  // ---- control ----

  /** The next chat answers this content (as JSON or as a stream, whichever it asks). */
  public S reply(String content) {
    return queue(new Script.Reply(content));
  }

  /** The next chat answers with one call of this function with these JSON arguments, streamed in fragments. */
  public S replyToolCall(String functionName, String argumentsJson) {
    return queue(new Script.ToolCall(functionName, argumentsJson));
  }

  /** The next request gets this status and the provider's error shape. */
  public S failNext(int status, String message) {
    return failNext(status, message, Map.of());
  }

  /** The next request gets this status, the provider's error shape and these headers (e.g. {@code Retry-After}). */
  public S failNext(int status, String message, Map<String, String> headers) {
    return queue(new Script.Fail(status, message, headers));
  }

  /** The next request gets this status and this body, for a fake that builds its provider's coded errors. */
  S failNextWithBody(int status, JsonNode body, Map<String, String> headers) {
    return queue(new Script.FailWithBody(status, body, headers));
  }

  /** The next streamed chat sends two deltas, then the provider's error event, then ends. */
  public S failMidStreamNext(String message) {
    return queue(new Script.FailMidStream(message));
  }

  /** The next request gets no answer until {@link #releaseStalled()} or {@link #close()}. */
  public S stallNext() {
    return queue(Script.Stall.INSTANCE);
  }

  /**
   * The next request gets this status and {@code contentType} with a {@code Content-Length} of the
   * whole error body, but only its first half is sent; then the answer stalls until
   * {@link #releaseStalled()} or {@link #close()} (a provider that hangs mid-body).
   */
  public S stallMidBodyNext(int status, String contentType, String message) {
    return queue(partial(status, contentType, message, false));
  }

  /** Like {@link #stallMidBodyNext} but the connection closes after the first half of the body. */
  public S breakMidBodyNext(int status, String contentType, String message) {
    return queue(partial(status, contentType, message, true));
  }

  /**
   * The next request's connection closes as soon as the request is read, before a byte of an
   * answer: what a client sees when it sends on a kept-alive connection the server was closing.
   */
  public S dropConnectionNext() {
    return queue(Script.Drop.INSTANCE);
  }

  private Script.Partial partial(int status, String contentType, String message, boolean close) {
    byte[] whole = errorBody(status, message).toString().getBytes(StandardCharsets.UTF_8);
    return new Script.Partial(status, contentType, Arrays.copyOf(whole, whole.length / 2), whole.length, close);
  }

  /** While on, every request stalls (see {@link #stallNext()}). */
  public S stallAll(boolean on) {
    stallAll = on;
    return self();
  }

  /** Answers every stalled request now, as if it had just arrived with nothing queued. */
  public void releaseStalled() {
    List<FakeExchange> release;
    synchronized (stalled) {
      release = new ArrayList<>(stalled);
      stalled.clear();
    }
    for (FakeExchange ex : release) {
      executor.execute(() -> answer(ex, null));
    }
  }

  /** A delay before every answer. */
  public S latency(Duration delay) {
    latency = delay;
    return self();
  }

  /** A delay between the chunks of a stream. */
  public S chunkDelay(Duration delay) {
    chunkDelay = delay;
    return self();
  }

  /** Requests without this key, sent the provider's way, get the provider's 401. Null turns the check off. */
  public S requireApiKey(String key) {
    apiKey = key;
    return self();
  }

  /** Chat answers carry this reasoning (streamed before the content) in the provider's shape; null for none. */
  public S reasoning(String text) {
    reasoning = text;
    return self();
  }

  public S embeddingDimension(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("embedding dimension must be >= 1 (got " + dimension + ")");
    }
    embeddingDimension = dimension;
    return self();
  }

  /** Whether requests are recorded for {@link #requests()}; turn off for benchmarks. Counting goes on. */
  public S recording(boolean on) {
    recording = on;
    return self();
  }

  String requiredApiKey() {
    return apiKey;
  }

  String reasoning() {
    return reasoning;
  }

  Duration chunkDelay() {
    return chunkDelay;
  }

  int embeddingDimension() {
    return embeddingDimension;
  }

  // ---- observation ----

  /** The recorded requests, oldest first (at most {@value #RECORD_LIMIT}). */
  public List<RecordedRequest> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  /** The last request recorded; fails when there is none. */
  public RecordedRequest lastRequest() {
    synchronized (recorded) {
      if (recorded.isEmpty()) {
        throw new IllegalStateException("the fake upstream has recorded no request");
      }
      return recorded.peekLast();
    }
  }

  public void clearRequests() {
    synchronized (recorded) {
      recorded.clear();
    }
  }

  /** Requests received since start, recorded or not. */
  public int requestCount() {
    return requestCount.get();
  }

  /** Requests whose whole answer was written, the last chunk of a stream included. */
  public int answeredToTheEnd() {
    return answeredToTheEnd.get();
  }

  /** Requests received and not yet answered (stalled ones included). */
  public int inFlight() {
    return inFlight.get();
  }

  /** The most requests ever in flight at once since start or the last {@link #resetMaxInFlight()}. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  public void resetMaxInFlight() {
    maxInFlight.set(inFlight.get());
  }

  /** Stops the server; stalled requests are dropped (their connections close). */
  @Override
  public void close() {
    stallAll = false;
    List<FakeExchange> drop;
    synchronized (stalled) {
      drop = new ArrayList<>(stalled);
      stalled.clear();
    }
    drop.forEach(FakeExchange::close);
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- serving ----

  private S queue(Script script) {
    synchronized (scripts) {
      scripts.addLast(script);
    }
    return self();
  }

  private Script nextScript(boolean chat) {
    synchronized (scripts) {
      Script head = scripts.peekFirst();
      if (head != null && (chat || head.appliesToAnyEndpoint())) {
        return scripts.pollFirst();
      }
      return null;
    }
  }

  private void handle(HttpExchange exchange) {
    requestCount.incrementAndGet();
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    FakeExchange ex = null;
    try {
      ex = RequestReader.read(exchange, inFlight::decrementAndGet, recording ? this::record : null);
      if (!authorized(ex)) {
        ex.close();
        return;
      }
      Script script = nextScript(isChat(ex));
      if (script == Script.Stall.INSTANCE || stallAll) {
        park(ex);
        return;
      }
      if (script == Script.Drop.INSTANCE) {
        ex.close();
        return;
      }
      if (script instanceof Script.Partial partial) {
        ex.sendHead(partial.status(), partial.contentType(), partial.head(), partial.declaredLength());
        if (partial.close()) {
          ex.close();
        } else {
          park(ex);
        }
        return;
      }
      answer(ex, script);
    } catch (IOException | RuntimeException e) {
      if (ex == null) {
        exchange.close();
        inFlight.decrementAndGet();
      } else {
        ex.close();
      }
    }
  }

  private void park(FakeExchange ex) {
    synchronized (stalled) {
      stalled.add(ex);
    }
  }

  private void record(RecordedRequest request) {
    synchronized (recorded) {
      if (recorded.size() == RECORD_LIMIT) {
        recorded.removeFirst();
      }
      recorded.addLast(request);
    }
  }

  private void answer(FakeExchange ex, Script script) {
    try (ex) {
      if (!latency.isZero()) {
        Thread.sleep(latency.toMillis()); // simulates a slow upstream on the fake's own thread
      }
      if (script instanceof Script.Fail fail) {
        ex.sendJson(fail.status(), errorBody(fail.status(), fail.message()), fail.headers());
        return;
      }
      if (script instanceof Script.FailWithBody fail) {
        ex.sendJson(fail.status(), fail.body(), fail.headers());
        return;
      }
      if (!accepts(ex)) {
        ex.sendJson(405, errorBody(405, "Method " + ex.method() + " not allowed on " + ex.path()), Map.of());
        return;
      }
      route(ex, script);
      answeredToTheEnd.incrementAndGet();
    } catch (IOException e) {
      // the client went away; closing the exchange is all there is to do
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
