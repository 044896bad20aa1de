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
 * A local upstream on {@code 127.0.0.1} that speaks OpenAI's documented wire format: chat
 * completions (JSON and SSE), embeddings, speech, transcriptions and image generation.
 *
 * <p>With nothing queued, chat answers {@code "echo: " + <last user message>}. A test queues
 * answers and failures ({@link #reply}, {@link #failNext}, {@link #failMidStreamNext},
 * {@link #stallNext}); each is used by the next request it applies to, in order (a queued chat
 * reply waits for a chat request; failures and stalls apply to any endpoint). Every request is
 * counted; the last {@value #RECORD_LIMIT} are recorded unless {@link #recording(boolean)} is off.
 * All methods are thread-safe. Close it to stop the server and drop stalled requests.
 */
public final class FakeOpenAiServer implements AutoCloseable {
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
  private volatile boolean reverseEmbeddings;

  static {
    // The JDK server writes a response's headers and body as separate small packets; with Nagle's
    // algorithm on, the body then waits for the client's delayed ACK (~40 ms a request). The server
    // reads this property once, when its first instance in the JVM starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private FakeOpenAiServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a server on {@code 127.0.0.1} at a port the OS picks. */
  public static FakeOpenAiServer start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      // A thread per concurrent request (a stalled or slow request holds one), reused between requests.
      AtomicInteger threads = new AtomicInteger();
      ThreadPoolExecutor executor = new ThreadPoolExecutor(16, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
          new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "fake-openai-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
          });
      FakeOpenAiServer fake = new FakeOpenAiServer(server, executor);
      server.createContext("/", fake::handle);
      server.setExecutor(executor);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake OpenAI server on 127.0.0.1", e);
    }
  }

  /** {@code http://127.0.0.1:PORT/v1}, what {@code saas.base_url} should be. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  // ---- control ----

  /** The next chat completion answers this content (as JSON or as a stream, whichever it asks). */
  public FakeOpenAiServer reply(String content) {
    return queue(new Script.Reply(content));
  }

  /**
   * The next chat completion answers with one function call ({@code finish_reason: tool_calls}),
   * streamed as OpenAI does: the name first, then the arguments in fragments.
   */
  public FakeOpenAiServer replyToolCall(String functionName, String argumentsJson) {
    return queue(new Script.ToolCall(functionName, argumentsJson));
  }

  /** The next request gets this status and an OpenAI-shaped error. */
  public FakeOpenAiServer failNext(int status, String message) {
    return failNext(status, message, Map.of());
  }

  /** The next request gets this status, an OpenAI-shaped error and these headers (e.g. {@code Retry-After}). */
  public FakeOpenAiServer failNext(int status, String message, Map<String, String> headers) {
    return queue(new Script.Fail(status, message, headers));
  }

  /** The next streamed chat sends two deltas, then an SSE event {@code data: {"error":{...}}}, then ends. */
  public FakeOpenAiServer failMidStreamNext(String message) {
    return queue(new Script.FailMidStream(message));
  }

  /** The next request gets no answer until {@link #releaseStalled()} or {@link #close()}. */
  public FakeOpenAiServer stallNext() {
    return queue(Script.Stall.INSTANCE);
  }

  /**
   * The next request gets this status and {@code contentType} with a {@code Content-Length} of the
   * whole OpenAI-shaped error, but only its first half is sent; then the answer stalls until
   * {@link #releaseStalled()} or {@link #close()} (a provider that hangs mid-body).
   */
  public FakeOpenAiServer stallMidBodyNext(int status, String contentType, String message) {
    return queue(partial(status, contentType, message, false));
  }

  /** Like {@link #stallMidBodyNext} but the connection closes after the first half of the body. */
  public FakeOpenAiServer breakMidBodyNext(int status, String contentType, String message) {
    return queue(partial(status, contentType, message, true));
  }

  /**
   * The next request's connection closes as soon as the request is read, before a byte of an
   * answer: what a client sees when it sends on a kept-alive connection the server was closing.
   */
  public FakeOpenAiServer dropConnectionNext() {
    return queue(Script.Drop.INSTANCE);
  }

  private static Script.Partial partial(int status, String contentType, String message, boolean close) {
    byte[] whole = FakeExchange.error(status, message).toString().getBytes(StandardCharsets.UTF_8);
    return new Script.Partial(status, contentType, Arrays.copyOf(whole, whole.length / 2), whole.length, close);
  }

  /** While on, every request stalls (see {@link #stallNext()}). */
  public FakeOpenAiServer stallAll(boolean on) {
    stallAll = on;
    return this;
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
  public FakeOpenAiServer latency(Duration delay) {
    latency = delay;
    return this;
  }

  /** A delay between the chunks of a stream. */
  public FakeOpenAiServer chunkDelay(Duration delay) {
    chunkDelay = delay;
    return this;
  }

  /**
   * Requests without {@code Authorization: Bearer <key>} get 401 with OpenAI's message, which
   * echoes the key received. Null turns the check off.
   */
  public FakeOpenAiServer requireApiKey(String key) {
    apiKey = key;
    return this;
  }

  /** Chat answers carry this {@code reasoning_content} (streamed before the content); null for none. */
  public FakeOpenAiServer reasoning(String text) {
    reasoning = text;
    return this;
  }

  public FakeOpenAiServer embeddingDimension(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("embedding dimension must be >= 1 (got " + dimension + ")");
    }
    embeddingDimension = dimension;
    return this;
  }

  /** Embedding items come back in reverse index order (legal in the wire format; clients must sort by index). */
  public FakeOpenAiServer reverseEmbeddingOrder(boolean on) {
    reverseEmbeddings = on;
    return this;
  }

  /** Whether requests are recorded for {@link #requests()}; turn off for benchmarks. Counting goes on. */
  public FakeOpenAiServer recording(boolean on) {
    recording = on;
    return this;
  }

  // ---- observation ----

  /** The recorded requests, oldest first (at most {@value #RECORD_LIMIT}). */
  public List<RecordedRequest> requests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
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

  private FakeOpenAiServer queue(Script script) {
    synchronized (scripts) {
      scripts.addLast(script);
    }
    return this;
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
        return;
      }
      Script script = nextScript(ex.path().endsWith("/chat/completions"));
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

  private boolean authorized(FakeExchange ex) throws IOException {
    String key = apiKey;
    if (key == null) {
      return true;
    }
    String auth = ex.header("Authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      ex.sendError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header "
          + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", Map.of());
      ex.close();
      return false;
    }
    String received = auth.substring("Bearer ".length());
    if (!received.equals(key)) {
      ex.sendError(401, "Incorrect API key provided: " + received
          + ". You can find your API key at https://platform.openai.com/account/api-keys.", Map.of());
      ex.close();
      return false;
    }
    return true;
  }

  private void answer(FakeExchange ex, Script script) {
    try (ex) {
      if (!latency.isZero()) {
        Thread.sleep(latency.toMillis()); // simulates a slow upstream on the fake's own thread
      }
      if (script instanceof Script.Fail fail) {
        ex.sendError(fail.status(), fail.message(), fail.headers());
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

  private void route(FakeExchange ex, Script script) throws IOException, InterruptedException {
    String path = ex.path();
    if (!"POST".equals(ex.method())) {
      ex.sendError(405, "Method " + ex.method() + " not allowed on " + path, Map.of());
    } else if (path.endsWith("/chat/completions")) {
      JsonNode req = ex.json();
      String content = script instanceof Script.Reply r ? r.content() : ChatAnswers.defaultContent(req);
      String midStream = script instanceof Script.FailMidStream f ? f.message() : null;
      Script.ToolCall tool = script instanceof Script.ToolCall t ? t : null;
      ChatAnswers.answer(ex, new ChatAnswers.Plan(tool == null ? content : "", reasoning, tool, midStream, chunkDelay));
    } else if (path.endsWith("/embeddings")) {
      MediaAnswers.embeddings(ex, embeddingDimension, reverseEmbeddings);
    } else if (path.endsWith("/audio/speech")) {
      MediaAnswers.speech(ex);
    } else if (path.endsWith("/audio/transcriptions")) {
      MediaAnswers.transcription(ex, ex.form());
    } else if (path.endsWith("/images/generations")) {
      MediaAnswers.images(ex);
    } else {
      ex.sendError(404, "Invalid URL (POST " + path + ")", Map.of());
    }
  }
}
