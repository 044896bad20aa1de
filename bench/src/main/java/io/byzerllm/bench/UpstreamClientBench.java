package io.byzerllm.bench;

import com.typesafe.config.ConfigFactory;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.worker.saas.internal.PlainHttpClient;
import io.byzerllm.worker.saas.internal.QueuedPlainHttpClient;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;

/**
 * The upstream client of a node, JDK or Pekko HTTP: inside one ActorSystem configured as a node's
 * (this JVM's {@code reference.conf}, so the node's dispatcher settings), the same closed loop of
 * OpenAI-style chat POSTs against the testkit's fake upstream, {@code --connections} calls in
 * flight, with (a) the JDK {@link HttpClient} set up as {@code UpstreamClients} sets it up (HTTP/1.1
 * on plain http, a bounded pool of one thread per core as its executor, {@code sendAsync}, the body
 * read whole) and (b) Pekko HTTP's client ({@code Http.singleRequest} through its host connection pool,
 * {@code --connections} connections, the entity read with {@code toStrict}) and (c) the backends'
 * {@link PlainHttpClient} (blocking keep-alive connections, one thread each, the caller writing the request
 * on an idle connection whose thread waits in a read on its socket) and (d) {@link QueuedPlainHttpClient}, its
 * design before (calls handed to the connection threads through a queue). Measured in turns, the
 * order reversed and rotated from round to round: requests/s, p50/p99 and CPU per request by thread group.
 *
 * <pre>
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.UpstreamClientBench \
 *     [--seconds 8] [--warmup 15] [--rounds 4] [--connections 16] [--clients jdk,pekko,plain,queued]
 *     [--caller answer|dispatcher]
 * </pre>
 * {@code --caller dispatcher} sends each next call from the ActorSystem's default dispatcher, as a node's
 * HTTP path does, instead of on the thread that completed the last answer.
 */
public final class UpstreamClientBench {
  private static final String BODY =
      "{\"model\":\"up-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hello gateway\"}]}";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Where each next call is sent from: the answering thread, or the node's dispatcher ({@code --caller}). */
  private static Executor caller = Runnable::run;

  /** One client under test: sends one chat and completes with the answer's status once its body is read. */
  private interface Client {
    String name();

    CompletionStage<Integer> chat();
  }

  private record Round(long ok, long errors, double seconds, Histogram latency, Map<String, Double> cpu) {}

  public static void main(String[] args) throws Exception {
    io.byzerllm.server.CommonPool.configure(); // as a node JVM has it: the JDK client's answers complete on the common pool
    Map<String, String> opts = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "8"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "15"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "4"));
    int connections = Integer.parseInt(opts.getOrDefault("connections", "16"));
    List<String> names = List.of(opts.getOrDefault("clients", "jdk,pekko,plain,queued").split(","));
    boolean fromDispatcher = opts.getOrDefault("caller", "answer").equals("dispatcher");
    System.out.printf("UpstreamClientBench %s%njava %s, %d cores, load average %.2f%n", String.join(" ", args),
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), loadAverage());

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "byzerllm", ConfigFactory.parseString(
        "pekko.actor.provider = local\n"
            + "pekko.http.host-connection-pool.max-connections = " + connections + "\n"
            + "pekko.http.host-connection-pool.max-open-requests = " + Integer.highestOneBit(connections * 4))
        .withFallback(ConfigFactory.load()));
    ExecutorService jdkExecutor = upstreamExecutor();
    AutoCloseable closeLater = null;
    try (FakeOpenAiServer upstream = FakeOpenAiServer.start()) {
      upstream.recording(false);
      URI uri = URI.create(upstream.baseUrl() + "/chat/completions");
      PlainHttpClient plainHttp = new PlainHttpClient(uri.getHost(), uri.getPort(), TIMEOUT, Duration.ofSeconds(30),
          256, "plain-http-");
      QueuedPlainHttpClient queuedHttp = new QueuedPlainHttpClient(uri.getHost(), uri.getPort(), TIMEOUT,
          Duration.ofSeconds(30), 256, "plain-queued-");
      closeLater = () -> {
        plainHttp.close();
        queuedHttp.close();
      };
      List<Client> clients = List.of(jdk(uri, jdkExecutor), pekko(uri, system), plain(uri, "plain", plainHttp::post),
          plain(uri, "queued", queuedHttp::post)).stream().filter(c -> names.contains(c.name())).toList();
      caller = fromDispatcher ? system.executionContext() : Runnable::run;
      int n = clients.size();
      for (Client c : clients) {
        run(c, connections, warmup);
      }
      System.out.printf("%n== closed loop, %d calls in flight, %d rounds of %ds ==%n", connections, rounds, seconds);
      long[] ok = new long[n];
      double[] secs = new double[n];
      List<Histogram> latency = new ArrayList<>();
      List<Map<String, Double>> cpu = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        latency.add(new Histogram(3));
        cpu.add(new TreeMap<>());
      }
      for (int round = 0; round < rounds; round++) {
        for (int turn = 0; turn < n; turn++) {
          int i = (round % 2 == 0 ? turn : n - 1 - turn + round / 2) % n; // each client early and late in turn
          Round r = run(clients.get(i), connections, seconds);
          ok[i] += r.ok();
          secs[i] += r.seconds();
          latency.get(i).add(r.latency());
          r.cpu().forEach((g, us) -> cpu.get(i).merge(g, us * r.ok(), Double::sum));
          System.out.printf(Locale.ROOT, "round %d %-6s %8.0f req/s  p50 %.3f ms  p99 %.3f ms  CPU %.1f us/request  errors %d%n",
              round + 1, clients.get(i).name(), r.ok() / r.seconds(), ms(r.latency(), 50), ms(r.latency(), 99),
              r.cpu().get("(process)"), r.errors());
        }
      }
      System.out.printf("%n%-8s %9s %9s %9s %12s%n", "", "req/s", "p50 ms", "p99 ms", "CPU us/req");
      for (int i = 0; i < n; i++) {
        System.out.printf(Locale.ROOT, "%-8s %9.0f %9.3f %9.3f %12.1f%n", clients.get(i).name(), ok[i] / secs[i],
            ms(latency.get(i), 50), ms(latency.get(i), 99), cpu.get(i).get("(process)") / ok[i]);
      }
      System.out.printf("CPU per request (us), by thread group:%n%-52s", "");
      clients.forEach(c -> System.out.printf("%10s", c.name()));
      System.out.println();
      TreeSet<String> groups = new TreeSet<>();
      cpu.forEach(m -> groups.addAll(m.keySet()));
      for (String g : groups) {
        System.out.printf(Locale.ROOT, "%-52s", g);
        for (int i = 0; i < n; i++) {
          System.out.printf(Locale.ROOT, "%10.1f", cpu.get(i).getOrDefault(g, 0.0) / ok[i]);
        }
        System.out.println();
      }
      System.out.printf(Locale.ROOT, "load average at the end %.2f%n", loadAverage());
    } finally {
      if (closeLater != null) {
        closeLater.close();
      }
      jdkExecutor.shutdownNow();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  /** The JDK client as {@code UpstreamClients} builds it for a plain-http provider. */
  private static Client jdk(URI uri, ExecutorService executor) {
    HttpClient http = HttpClient.newBuilder().executor(executor).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    return new Client() {
      public String name() {
        return "jdk";
      }

      public CompletionStage<Integer> chat() {
        HttpRequest request = HttpRequest.newBuilder(uri) // no request timeout, as UpstreamTransport.post sends it
            .header("Content-Type", "application/json").header("Accept", "application/json")
            .header("Authorization", "Bearer sk-bench-key-000000")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(HttpResponse::statusCode);
      }
    };
  }

  /** The POST of the backends' own keep-alive clients for plain-http origins, the new design's or the old's. */
  private interface PlainPost {
    CompletableFuture<HttpResponse<byte[]>> post(HttpRequest request, byte[] body);
  }

  /** The backends' own keep-alive client for plain-http origins: a blocking connection per thread, the answer read whole. */
  private static Client plain(URI uri, String name, PlainPost http) {
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    return new Client() {
      public String name() {
        return name;
      }

      public CompletionStage<Integer> chat() {
        HttpRequest request = HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json").header("Accept", "application/json")
            .header("Authorization", "Bearer sk-bench-key-000000")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.post(request, body).thenApply(HttpResponse::statusCode);
      }
    };
  }

  /** Pekko HTTP's client: {@code singleRequest} through the system's pool for the host, the entity read whole. */
  private static Client pekko(URI uri, ActorSystem<Void> system) {
    Http http = Http.get(system);
    Materializer mat = Materializer.matFromSystem(system);
    org.apache.pekko.http.javadsl.model.HttpRequest request = org.apache.pekko.http.javadsl.model.HttpRequest
        .POST(uri.toString())
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, BODY.getBytes(StandardCharsets.UTF_8)))
        .addHeader(RawHeader.create("Accept", "application/json"))
        .addHeader(RawHeader.create("Authorization", "Bearer sk-bench-key-000000"));
    return new Client() {
      public String name() {
        return "pekko";
      }

      public CompletionStage<Integer> chat() {
        return http.singleRequest(request).thenCompose(r -> r.entity().toStrict(TIMEOUT.toMillis(), mat)
            .thenApply(strict -> r.status().intValue()));
      }
    };
  }

  /** As {@code UpstreamClients.executor}: one thread per core, tasks queue rather than start threads. */
  private static ExecutorService upstreamExecutor() {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "upstream-jdk-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** {@code inFlight} chains of calls, each sending its next call when its last answer is read, for {@code seconds}. */
  private static Round run(Client client, int inFlight, int seconds) throws InterruptedException {
    Recorder recorder = new Recorder(3);
    LongAdder ok = new LongAdder();
    LongAdder errors = new LongAdder();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(inFlight);
    CpuUse before = CpuUse.now();
    for (int i = 0; i < inFlight; i++) {
      loop(client::chat, recorder, ok, errors, end, done);
    }
    if (!done.await(seconds + TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException(client.name() + ": calls still unanswered " + TIMEOUT.toSeconds() + " s after the end");
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Round(ok.sum(), errors.sum(), elapsed, recorder.getIntervalHistogram(),
        CpuUse.now().microsPerRequestSince(before, ok.sum()));
  }

  private static void loop(Supplier<CompletionStage<Integer>> call, Recorder recorder, LongAdder ok, LongAdder errors,
                           long end, CountDownLatch done) {
    long sent = System.nanoTime();
    if (sent >= end) {
      done.countDown();
      return;
    }
    CompletableFuture<Integer> answer;
    try {
      answer = call.get().toCompletableFuture();
    } catch (RuntimeException e) {
      errors.increment();
      done.countDown();
      return;
    }
    answer.whenComplete((status, failure) -> {
      if (failure == null && status == 200) {
        recorder.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
        ok.increment();
      } else {
        errors.increment();
      }
      caller.execute(() -> loop(call, recorder, ok, errors, end, done));
    });
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
