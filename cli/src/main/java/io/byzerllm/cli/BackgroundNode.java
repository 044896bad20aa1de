package io.byzerllm.cli;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.server.CrashReports;
import io.byzerllm.server.Node;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Starts a node as a background JVM running {@code llm server start} (same Java, same classpath),
 * its output appended to {@code $LLM_HOME/nodes/<host>_<port>/node.log} and its pid written to
 * {@code node.pid} there, and waits until its {@code /health} answers.
 */
final class BackgroundNode {
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  /** A node that answers: its URL, pid and log. */
  record Started(String url, long pid, Path log) {}

  private BackgroundNode() {}

  /** The auto-start of commands that need a cluster and found none: default ports, said on stderr. */
  static Started startDefault(CliEnv env, PrintWriter err) {
    NodeOptions options = NodeOptions.defaults(env.get("LLM_API_KEY"));
    err.println("no node at " + options.httpUrl() + "; starting one in the background (log: "
        + logOf(env, options) + ")");
    err.flush();
    Started s = start(options, env);
    err.println("node started in the background: " + s.url() + ", pid " + s.pid());
    err.flush();
    return s;
  }

  static Started start(NodeOptions options, CliEnv env) {
    if (options.port() == 0 || options.clusterPort() == 0) {
      throw new IllegalArgumentException("--daemon needs fixed ports to find the node again; give --port and "
          + "--cluster_port values other than 0");
    }
    ByzerLLM probe = ByzerLLM.connect(options.httpUrl()).withApiKey(options.apiKey()).withTimeout(PROBE_TIMEOUT);
    if (probe.health()) {
      throw new LlmException(ErrorKind.CONFLICT, "a node already answers at " + options.httpUrl()
          + "; stop it with `llm server stop --address " + options.httpUrl() + "` or choose another --port");
    }
    Path log = logOf(env, options);
    Process process = launch(options, env, log);
    writePid(log.resolveSibling("node.pid"), process.pid());
    awaitHealthy(process, probe, log);
    return new Started(options.httpUrl(), process.pid(), log);
  }

  static Path logOf(CliEnv env, NodeOptions options) {
    return env.nodeDir(options.host(), options.port()).resolve("node.log");
  }

  private static Process launch(NodeOptions options, CliEnv env, Path log) {
    List<String> command = new ArrayList<>();
    // setsid: the node outlives the terminal that started it (no SIGHUP when it closes)
    if (Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"))) {
      command.add("setsid");
    }
    command.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(Node.JVM_OPTIONS);
    command.addAll(CrashReports.jvmOptions(log.getParent()));
    String javaOpts = env.get("LLM_JAVA_OPTS");
    if (javaOpts != null) {
      command.addAll(List.of(javaOpts.trim().split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(options.foregroundArgs());
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .directory(new File(System.getProperty("user.dir")));
      pb.environment().put("LLM_HOME", env.home().toString());
      pb.environment().remove("LLM_API_KEY");
      if (options.apiKey() != null) {
        pb.environment().put("LLM_API_KEY", options.apiKey());
      }
      Process p = pb.start();
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a background node (" + e.getMessage() + "); start one in the "
          + "foreground with `llm server start`", e);
    }
  }

  private static void writePid(Path pidFile, long pid) {
    try {
      Files.writeString(pidFile, pid + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + pidFile + ": " + e.getMessage(), e);
    }
  }

  private static void awaitHealthy(Process process, ByzerLLM probe, Path log) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!probe.health()) {
      if (!process.isAlive()) {
        throw new LlmException(ErrorKind.INTERNAL, "the background node exited (code " + process.exitValue()
            + ") before it answered: " + reason(log) + ". See " + log);
      }
      if (System.nanoTime() > deadline) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        throw new LlmException(ErrorKind.UNAVAILABLE, "the background node did not answer within "
            + START_TIMEOUT.toSeconds() + "s, so it was stopped; see " + log);
      }
      try {
        Thread.sleep(250); // polling a child process we do not otherwise hear from
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmException(ErrorKind.INTERNAL, "interrupted while waiting for the background node; see " + log);
      }
    }
  }

  /**
   * The most telling line near the end of the log: the node's own {@code error:} line (the CLI's
   * one-line report), else the last exception, else the last line. Log lines written while the JVM
   * shuts down may come after the error line, so the error line is looked for first.
   */
  static String reason(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().map(String::strip)
          .filter(l -> !l.isEmpty()).toList();
      List<String> tail = lines.subList(Math.max(0, lines.size() - 200), lines.size());
      return last(tail, l -> l.startsWith("error: "))
          .or(() -> last(tail, l -> l.toLowerCase(Locale.ROOT).contains("exception")))
          .map(l -> l.replaceFirst("^error: ", ""))
          .orElse(tail.isEmpty() ? "its log is empty" : tail.get(tail.size() - 1));
    } catch (IOException e) {
      return "its log cannot be read (" + e.getMessage() + ")";
    }
  }

  private static Optional<String> last(List<String> lines, Predicate<String> wanted) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (wanted.test(lines.get(i))) {
        return Optional.of(lines.get(i));
      }
    }
    return Optional.empty();
  }
}
