package io.byzerllm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node Elasticsearch on 127.0.0.1 and a free port, started once per test run (the first class that
 * registers this extension starts it; JUnit stops it when the run ends). The server comes from the
 * {@code integ-test-zip} distribution on Maven Central, unpacked by the build into the directory named by the system
 * property {@code byzer.elasticsearch.home}; it runs on the test JVM's own Java.
 *
 * <p>Elasticsearch refuses to run as root: when the JVM is root, the server runs as the user {@value #USER} through
 * {@code runuser} (CI's {@code .ci/run} creates that user). When the server cannot start, every test that uses it
 * fails with the reason: a missing Elasticsearch must never look like a passing suite.
 */
public final class ElasticsearchNode implements BeforeAllCallback {
  public static final String HOME_PROPERTY = "byzer.elasticsearch.home";
  static final String USER = "llmtest";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Running.class, k -> Running.start(), Running.class);
  }

  /** The base URL of the running server, e.g. {@code http://127.0.0.1:40123}. */
  public static String url(ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).get(Running.class, Running.class).url();
  }

  /** The base URL of the server of this run; call after the extension's beforeAll ran (e.g. in @BeforeEach). */
  public static String url() {
    if (Running.current == null) {
      throw new IllegalStateException("Elasticsearch is not running; register ElasticsearchNode with @ExtendWith");
    }
    return Running.current.url();
  }

  static final class Running implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    static volatile Running current;
    private final Process process;
    private final Path work;
    private final String url;

    private Running(Process process, Path work, String url) {
      this.process = process;
      this.work = work;
      this.url = url;
    }

    String url() {
      return url;
    }

    static Running start() {
      String home = System.getProperty(HOME_PROPERTY);
      if (home == null || !Files.isExecutable(Path.of(home, "bin", "elasticsearch"))) {
        throw new IllegalStateException("no Elasticsearch at " + HOME_PROPERTY + "=" + home
            + "; run the tests through Maven (it unpacks org.elasticsearch.distribution.integ-test-zip)");
      }
      try {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path work = Files.createTempDirectory("byzer-es");
        Path config = work.resolve("config");
        copyTree(Path.of(home, "config"), config);
        // jvm.options names the GC log, heap dumps and crash files relative to the server's home, which the
        // unprivileged user cannot write: point them into this run's directory.
        Path jvmOptions = config.resolve("jvm.options");
        Files.writeString(jvmOptions, Files.readString(jvmOptions)
            .replace("logs/", work.resolve("logs") + "/").replace("HeapDumpPath=data", "HeapDumpPath=" + work.resolve("data")));
        Files.createDirectories(work.resolve("data"));
        Files.createDirectories(work.resolve("logs"));
        if (root) {
          run(List.of("chown", "-R", USER + ":" + USER, work.toString()),
              "user '" + USER + "' does not exist; create it (useradd -m " + USER + "): Elasticsearch refuses to run as root");
        }
        String server = home;
        if (root && !runsAs(List.of("runuser", "-u", USER, "--", "test", "-x", Path.of(home, "bin", "elasticsearch").toString()))) {
          // the unpacked server is under a directory the user cannot enter (a checkout in /root): give it a copy
          Path copy = work.resolve("server");
          copyTree(Path.of(home), copy);
          run(List.of("chown", "-R", USER + ":" + USER, copy.toString()), "cannot hand " + copy + " to user '" + USER + "'");
          server = copy.toString();
        }
        int port = freePort();
        var cmd = new ArrayList<String>();
        if (root) {
          cmd.addAll(List.of("runuser", "-u", USER, "--"));
        }
        cmd.addAll(List.of(Path.of(server, "bin", "elasticsearch").toString(),
            "-E", "discovery.type=single-node", "-E", "xpack.security.enabled=false",
            "-E", "network.host=127.0.0.1", "-E", "http.port=" + port, "-E", "transport.port=0",
            "-E", "path.data=" + work.resolve("data"), "-E", "path.logs=" + work.resolve("logs"),
            "-E", "cluster.routing.allocation.disk.threshold_enabled=false", "-E", "action.destructive_requires_name=false"));
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("console.log").toFile());
        pb.environment().put("ES_JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("ES_PATH_CONF", config.toString());
        pb.environment().put("ES_JAVA_OPTS", "-Xms256m -Xmx256m -XX:ActiveProcessorCount=2");
        Process p = pb.start();
        String url = "http://127.0.0.1:" + port;
        Running r = new Running(p, work, url);
        r.awaitHealthy();
        current = r;
        return r;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start Elasticsearch from " + home, e);
      }
    }

    private void awaitHealthy() throws IOException {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          String log = Files.readString(work.resolve("console.log"));
          throw new IllegalStateException("Elasticsearch exited with " + process.exitValue() + ":\n" + tail(log));
        }
        if (healthy()) {
          return;
        }
        try {
          process.waitFor(250, java.util.concurrent.TimeUnit.MILLISECONDS); // waits on the process, not a fixed sleep
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      close();
      throw new IllegalStateException("Elasticsearch did not become healthy within " + START_TIMEOUT + "; log:\n"
          + tail(Files.readString(work.resolve("console.log"))));
    }

    private boolean healthy() {
      try {
        var c = (HttpURLConnection) URI.create(url + "/_cluster/health?wait_for_status=yellow&timeout=1s").toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(3000);
        try {
          return c.getResponseCode() == 200;
        } finally {
          c.disconnect();
        }
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      current = null;
      try (Stream<Path> all = Files.walk(work)) {
        all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // a temp directory left behind is harmless
      }
    }

    private static String tail(String log) {
      return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private static void copyTree(Path from, Path to) throws IOException {
      try (Stream<Path> all = Files.walk(from)) {
        for (Path f : all.toList()) {
          Path target = to.resolve(from.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(target);
          } else {
            Files.copy(f, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES); // keeps bin/ executable
          }
        }
      }
    }

    private static boolean runsAs(List<String> cmd) throws IOException {
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    private static void run(List<String> cmd, String whenFailing) throws IOException {
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException(whenFailing + " (" + String.join(" ", cmd) + ": " + out.strip() + ")");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running " + cmd, e);
      }
    }

    private static int freePort() throws IOException {
      try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      }
    }
  }
}
