package io.byzerllm.worker.saas;

import io.byzerllm.worker.saas.internal.PlainHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream {@link HttpClient} and one bounded, named executor per provider origin (scheme,
 * host, port) and connect timeout in this JVM, counted by reference: every worker of every
 * deployment on that provider shares the client's connection pool, and the last
 * {@link Lease#close()} stops the executor. Plain {@code http} asks for HTTP/1.1 outright (a local
 * server may mishandle an h2c upgrade); {@code https} offers HTTP/2 and falls back to HTTP/1.1
 * where the provider's ALPN does not take it.
 *
 * <p>Idle pooled connections live {@value #KEEP_ALIVE_SECONDS} s (the JDK's
 * {@code jdk.httpclient.keepalive.timeout}, a JVM-wide setting read when the JDK's client first
 * loads; we set it unless the user did): below the 60-75 s that load balancers and nginx give
 * idle connections, so we seldom send on a connection the provider is closing. Servers with a
 * shorter idle time (uvicorn's 5 s, as in vLLM) are covered by {@link RetryPolicy#staleConnection}.
 *
 * <p>A plain-http origin also gets a {@link PlainHttpClient} for whole answers, with the same
 * keep-alive and at most {@value #MAX_PLAIN_CONNECTIONS} connections (calls past them queue); its
 * threads start with the first call and the last lease's close closes its connections.
 */
final class UpstreamClients {
  static final int KEEP_ALIVE_SECONDS = 30;
  /** Connections (and threads) per plain-http origin: above what a node's workers of one local server hold at once. */
  static final int MAX_PLAIN_CONNECTIONS = 256;
  private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  static {
    if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
      System.setProperty("jdk.httpclient.keepalive.timeout", String.valueOf(KEEP_ALIVE_SECONDS));
    }
  }

  /** What makes two deployments' clients interchangeable. */
  record Key(String origin, Duration connectTimeout) {
    static Key of(String baseUrl, Duration connectTimeout) {
      URI u = URI.create(baseUrl);
      String scheme = u.getScheme().toLowerCase(Locale.ROOT);
      int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
      return new Key(scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port, connectTimeout);
    }
  }

  /** A worker's hold on a shared client; close it once, when the worker's backend closes. */
  static final class Lease implements AutoCloseable {
    private final Key key;
    private final Shared shared;
    private boolean closed; // guarded by UpstreamClients.class

    private Lease(Key key, Shared shared) {
      this.key = key;
      this.shared = shared;
    }

    HttpClient client() {
      return shared.client;
    }

    /** The lean client for whole answers, or null for an https origin. */
    PlainHttpClient plain() {
      return shared.plain;
    }

    /** Runs the client's callbacks, retries' and deadlines' tasks; never blocks on the network. */
    ExecutorService executor() {
      return shared.executor;
    }

    @Override
    public void close() {
      release(this);
    }
  }

  private static final class Shared {
    final HttpClient client;
    final PlainHttpClient plain;
    final ExecutorService executor;
    int references;

    Shared(HttpClient client, PlainHttpClient plain, ExecutorService executor) {
      this.client = client;
      this.plain = plain;
      this.executor = executor;
    }
  }

  private static final Map<Key, Shared> SHARED = new HashMap<>();

  private UpstreamClients() {}

  static synchronized Lease acquire(String baseUrl, Duration connectTimeout) {
    Key key = Key.of(baseUrl, connectTimeout);
    Shared shared = SHARED.computeIfAbsent(key, UpstreamClients::open);
    shared.references++;
    return new Lease(key, shared);
  }

  /** How many backends share the client for this base URL and connect timeout; 0 when none is open. */
  static synchronized int references(String baseUrl, Duration connectTimeout) {
    Shared shared = SHARED.get(Key.of(baseUrl, connectTimeout));
    return shared == null ? 0 : shared.references;
  }

  private static synchronized void release(Lease lease) {
    if (lease.closed) {
      return;
    }
    lease.closed = true;
    if (--lease.shared.references == 0) {
      SHARED.remove(lease.key);
      lease.shared.executor.shutdownNow(); // the client's selector thread ends once the client is unreachable
      if (lease.shared.plain != null) {
        lease.shared.plain.close();
      }
    }
  }

  private static Shared open(Key key) {
    ExecutorService executor = executor(key.origin());
    HttpClient client = HttpClient.newBuilder()
        .executor(executor)
        .version(key.origin().startsWith("https:") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .connectTimeout(key.connectTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    PlainHttpClient plain = null;
    if (key.origin().startsWith("http:")) {
      URI u = URI.create(key.origin());
      plain = new PlainHttpClient(u.getHost(), u.getPort(), key.connectTimeout(), Duration.ofSeconds(KEEP_ALIVE_SECONDS),
          MAX_PLAIN_CONNECTIONS, "plain-http-" + key.origin().substring("http://".length()).replace(':', '-') + "-");
    }
    return new Shared(client, plain, executor);
  }

  /**
   * Threads that only run callbacks (none waits on the network): one per core, idle ones let go
   * after 30 s; tasks wait in the queue rather than start a thread each (STYLE.md §5).
   */
  private static ExecutorService executor(String origin) {
    AtomicInteger n = new AtomicInteger();
    String name = "upstream-" + origin.substring(origin.indexOf("://") + 3).replace(':', '-') + "-";
    ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, name + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
