package io.byzerllm.lite;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.testkit.FakeOpenAiServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lite path in a JVM of its own whose classpath is lite's runtime classpath and nothing else:
 * Pekko is not even there to start, and while its model is deployed and has answered, the JVM owns
 * no listening TCP socket (read from {@code /proc/<pid>/net/tcp*} against the inodes of its own
 * file descriptors; the same reading of this JVM finds the upstream's listening port, so it can see one).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LiteProcessIT {
  static final Path RUNTIME_CLASSPATH = Path.of("target", "runtime.classpath");
  @TempDir static Path llmHome;
  static FakeOpenAiServer fake;
  static final ExecutorService reader = Executors.newSingleThreadExecutor();

  @BeforeAll
  static void start() {
    fake = FakeOpenAiServer.start();
    ModelRegistry.at(llmHome).add(new RegisteredModel("v3_chat", "deepseek-chat", "saas/openai", fake.baseUrl(),
        "fake.key", false, null), "sk-probe");
  }

  @AfterAll
  static void stop() {
    reader.shutdownNow();
    fake.close();
  }

  @Test
  void liteRuntimeClasspath_holdsNoPekko() throws IOException {
    assertThat(Files.readString(RUNTIME_CLASSPATH)).isNotBlank().doesNotContainIgnoringCase("pekko")
        .doesNotContain("byzerllm-worker").doesNotContain("byzerllm-server");
  }

  @Test
  void getSingleLlmLite_inAJvmOfItsOwn_answersWithNoListeningSocketAndNoPekko() throws Exception {
    assertThat(listeningPorts(ProcessHandle.current().pid())).as("the reading sees this JVM's upstream")
        .contains(fake.port());
    String classpath = String.join(java.io.File.pathSeparator, Path.of("target", "classes").toString(),
        Path.of("target", "test-classes").toString(), Files.readString(RUNTIME_CLASSPATH).strip());
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, LiteProbe.class.getName(), "v3_chat").redirectErrorStream(true);
    pb.environment().put("LLM_HOME", llmHome.toString());
    Process child = pb.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = CompletableFuture.supplyAsync(() -> readUntilReady(out), reader).get(120, TimeUnit.SECONDS);

      assertThat(lines).contains("answer: echo: probe", "pekko: absent");
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("bge: 400 ").contains("io.byzerllm:byzerllm-bge"));
      assertThat(listeningPorts(child.pid())).as("listening TCP ports of the lite JVM").isEmpty();
      assertThat(socketInodes(child.pid())).as("it did open sockets: its upstream connection").isNotEmpty();
    } finally {
      try (OutputStream in = child.getOutputStream()) {
        in.write('\n');
      } catch (IOException gone) {
        // the child already ended; its exit is checked below
      }
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    assertThat(child.exitValue()).isZero();
  }

  private static List<String> readUntilReady(BufferedReader out) {
    List<String> lines = new ArrayList<>();
    try {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
        if (line.equals("ready")) {
          return lines;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("reading the child's output failed after " + lines, e);
    }
    throw new IllegalStateException("the child ended before it was ready: " + lines);
  }

  /** The local ports of TCP sockets in state LISTEN that the process {@code pid} holds. */
  static List<Integer> listeningPorts(long pid) throws IOException {
    Set<String> inodes = socketInodes(pid);
    List<Integer> ports = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc", String.valueOf(pid), "net", table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
        String[] cols = line.trim().split("\\s+");
        boolean listening = "0A".equals(cols[3].toUpperCase(Locale.ROOT));
        if (listening && inodes.contains(cols[9])) {
          ports.add(Integer.parseInt(cols[1].substring(cols[1].indexOf(':') + 1), 16));
        }
      }
    }
    return ports;
  }

  /** The inodes of the sockets among the open file descriptors of {@code pid}. */
  static Set<String> socketInodes(long pid) throws IOException {
    Set<String> out = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            out.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // a descriptor closed while we listed them
        }
      }
    }
    return out;
  }
}
