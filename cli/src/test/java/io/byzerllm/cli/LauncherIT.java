package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.testkit.FakeOpenAiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./llm} launcher end to end: a background node on free ports, a deploy against a
 * loopback fake upstream, a query, and a stop. Runs after {@code package}, so the CLI jar exists.
 */
class LauncherIT {
  static final String KEY = "sk-test-launcher-0123456789";

  @Test
  void launcher_daemonDeployQueryStop_worksEndToEnd(@TempDir Path home) throws Exception {
    Path root = repositoryRoot();
    int port = LlmCommandIT.freePort();
    int clusterPort = LlmCommandIT.freePort();
    String address = "http://127.0.0.1:" + port;
    Path pidFile = home.resolve("nodes").resolve("127.0.0.1_" + port).resolve("node.pid");
    List<Process> launched = new ArrayList<>();
    try (FakeOpenAiServer fake = FakeOpenAiServer.start().requireApiKey(KEY)) {
      Run started = llm(root, home, launched, "server", "start", "--daemon", "--port", String.valueOf(port),
          "--cluster_port", String.valueOf(clusterPort));
      Run deployed = llm(root, home, launched, "deploy", "--address", address, "--model", "chat",
          "--infer_params", "saas.base_url=" + fake.baseUrl(), "saas.api_key=" + KEY, "saas.model=fake-model");
      Run answered = llm(root, home, launched, "query", "--address", address, "--model", "chat", "--query", "hi there");
      Run stopped = llm(root, home, launched, "server", "stop", "--address", address);

      assertThat(started.code()).as(started.output()).isZero();
      assertThat(started.output()).contains("node started in the background: " + address + ", pid ");
      assertThat(deployed.code()).as(deployed.output()).isZero();
      assertThat(deployed.output()).contains("Model chat deployed successfully: 1 workers ready").doesNotContain(KEY);
      assertThat(answered.output()).contains("echo: hi there");
      assertThat(stopped.output()).contains("stopped the node at " + address);
      long pid = started.pid();
      assertThat(pid).isPositive();
      // stop returns once the JVM has exited, so a node started right after finds the cluster port free
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("node process after stop").isFalse();
      assertThat(pidFile).doesNotExist();
    } finally {
      launched.forEach(LauncherIT::destroyTree);
      readPid(pidFile).flatMap(ProcessHandle::of).ifPresent(LauncherIT::destroyTree);
    }
  }

  /** What one {@code ./llm} run printed (stdout and stderr together), its exit code, and a daemon's pid. */
  record Run(int code, String output) {
    long pid() {
      var m = Pattern.compile("pid (\\d+)").matcher(output);
      return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
  }

  private static Run llm(Path root, Path home, List<Process> launched, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(root.resolve("llm").toString()));
    command.addAll(List.of(args));
    Path output = Files.createTempFile(home, "run", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile());
    pb.environment().put("LLM_HOME", home.toString());
    pb.environment().put("LLM_SKIP_BUILD", "1"); // the jar was built by this very build's package phase
    pb.environment().remove("LLM_ADDRESS");
    pb.environment().remove("LLM_API_KEY");
    Process p = pb.start();
    launched.add(p);
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    String text = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(done).as("llm " + String.join(" ", args) + " finished; output so far: " + text).isTrue();
    return new Run(p.exitValue(), text);
  }

  private static Optional<Long> readPid(Path pidFile) {
    try {
      return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).strip()))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void destroyTree(Process p) {
    destroyTree(p.toHandle());
  }

  private static void destroyTree(ProcessHandle p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !(Files.isExecutable(dir.resolve("llm")) && Files.exists(dir.resolve("pom.xml")))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the repository root holding ./llm, above " + Path.of("").toAbsolutePath()).isNotNull();
    return dir;
  }
}
