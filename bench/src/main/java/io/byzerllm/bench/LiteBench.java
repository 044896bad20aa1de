package io.byzerllm.bench;

import static io.byzerllm.bench.BenchSupport.options;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.Message;
import io.byzerllm.lite.ModelRegistry;
import io.byzerllm.lite.RegisteredModel;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The lite client without a cluster, against a local OpenAI-compatible upstream:
 * <ol>
 *   <li>JVM start to first answer: a fresh JVM whose class path is lite's runtime class path runs
 *       {@code getSingleLlm(name, LITE)} from a registry and one chat ({@link LiteFirstAnswer}); timed
 *       from process start to the answer on its stdout, {@code --starts} times.</li>
 *   <li>Per-call overhead: the same chat, one call at a time, through the lite client
 *       ({@code chatOai}) and as a bare JDK {@link HttpClient} POST of the same body to the upstream;
 *       HdrHistogram percentiles of both and their difference.</li>
 * </ol>
 *
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.LiteBench \
 *     [--starts 5] [--calls 20000] [--warmup 5000]
 * </pre>
 */
public final class LiteBench {
  private static final String BODY =
      "{\"model\":\"deepseek-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello lite\"}],\"stream\":false}";

  private LiteBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    int starts = Integer.parseInt(opts.getOrDefault("starts", "5"));
    int calls = Integer.parseInt(opts.getOrDefault("calls", "20000"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5000"));
    System.out.println("LiteBench " + String.join(" ", args));
    System.out.println(BenchSupport.commandLine(LiteBench.class, args));
    System.out.println(BenchSupport.machine() + ", load " + BenchSupport.loadAverage());

    Path home = Files.createTempDirectory("llm-lite-bench");
    try (FakeOpenAiServer upstream = FakeOpenAiServer.start()) {
      upstream.recording(false);
      ModelRegistry registry = ModelRegistry.at(home);
      registry.add(new RegisteredModel("v3_chat", "deepseek-chat", "saas/openai", upstream.baseUrl(), "bench.key",
          false, null), "sk-bench");
      firstAnswer(home, starts);
      perCall(registry, upstream, calls, warmup);
    }
  }

  private static void firstAnswer(Path home, int starts) throws Exception {
    Path lite = Path.of("lite", "target");
    String classpath = String.join(File.pathSeparator, Path.of("bench", "target", "classes").toString(),
        lite.resolve("classes").toString(), Files.readString(lite.resolve("runtime.classpath")).strip());
    System.out.printf("%n== JVM start to first answer (lite runtime class path: %d entries), %d starts ==%n",
        classpath.split(File.pathSeparator).length, starts);
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < starts; i++) {
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", classpath, LiteFirstAnswer.class.getName(), "v3_chat").redirectErrorStream(true);
      pb.environment().put("LLM_HOME", home.toString());
      long t0 = System.nanoTime();
      Process p = pb.start();
      String answer = null;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.startsWith("answer: ")) {
            millis.add((System.nanoTime() - t0) / 1e6);
            answer = line;
          }
        }
      }
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || answer == null) {
        p.destroyForcibly();
        throw new IllegalStateException("the lite JVM did not answer (exit " + (p.isAlive() ? "none" : p.exitValue()) + ")");
      }
    }
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf("runs ms: %s%nmin %.0f ms, median %.0f ms, max %.0f ms%n", millis.stream()
        .map(m -> String.format("%.0f", m)).toList(), sorted.get(0), sorted.get(sorted.size() / 2),
        sorted.get(sorted.size() - 1));
  }

  private static void perCall(ModelRegistry registry, FakeOpenAiServer upstream, int calls, int warmup)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest bare = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .header("Authorization", "Bearer sk-bench").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
    try (ByzerLLM llm = registry.getSingleLlm("v3_chat")) {
      List<Message> question = List.of(Message.user("hello lite"));
      Runnable liteCall = () -> llm.chatOai(question);
      Runnable bareCall = () -> {
        try {
          HttpResponse<String> r = http.send(bare, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            throw new IllegalStateException("upstream answered " + r.statusCode());
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      time(bareCall, warmup);
      time(liteCall, warmup);
      System.out.printf("%n== per call, one at a time, %d calls each (after %d warm-up) ==%n", calls, warmup);
      Histogram b = time(bareCall, calls);
      Histogram l = time(liteCall, calls);
      print("bare JDK HttpClient", b);
      print("lite chatOai", l);
      System.out.printf("lite overhead: p50 %+.1f us, p90 %+.1f us, p99 %+.1f us, mean %+.1f us%n",
          (l.getValueAtPercentile(50) - b.getValueAtPercentile(50)) / 1e3,
          (l.getValueAtPercentile(90) - b.getValueAtPercentile(90)) / 1e3,
          (l.getValueAtPercentile(99) - b.getValueAtPercentile(99)) / 1e3, (l.getMean() - b.getMean()) / 1e3);
    }
  }

  private static Histogram time(Runnable call, int n) {
    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      call.run();
      h.recordValue(System.nanoTime() - t0);
    }
    return h;
  }

  private static void print(String name, Histogram h) {
    double seconds = h.getTotalCount() * h.getMean() / 1e9;
    System.out.printf("%-20s p50 %7.1f us  p90 %7.1f us  p99 %7.1f us  p99.9 %7.1f us  max %8.1f us  %6.0f calls/s%n",
        name, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
        h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, h.getTotalCount() / seconds);
  }
}
