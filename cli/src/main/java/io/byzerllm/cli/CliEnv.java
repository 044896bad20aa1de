package io.byzerllm.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The environment variables the commands read ({@code LLM_ADDRESS}, {@code LLM_API_KEY},
 * {@code LLM_HOME}, and those a {@code --file} template names), passed in rather than read from
 * {@link System#getenv()} so that tests can run commands in-process with an environment of their own.
 */
record CliEnv(Map<String, String> vars) {
  static final String DEFAULT_ADDRESS = "http://127.0.0.1:8000";

  CliEnv {
    vars = Map.copyOf(vars);
  }

  /** The environment of the root {@link LlmCommand} that a command belongs to. */
  static CliEnv of(CommandSpec spec) {
    return ((LlmCommand) spec.root().userObject()).env();
  }

  String get(String name) {
    String v = vars.get(name);
    return v == null || v.isBlank() ? null : v;
  }

  /**
   * Whether a person watches: progress lines and live redraws are shown. {@code LLM_PROGRESS=always}
   * or {@code never} decides; unset or {@code auto}, it is whether the process has a terminal.
   */
  boolean interactive() {
    String mode = get("LLM_PROGRESS");
    if (mode == null || mode.equalsIgnoreCase("auto")) {
      return hasTerminal();
    }
    return switch (mode.toLowerCase(java.util.Locale.ROOT)) {
      case "always" -> true;
      case "never" -> false;
      default -> throw new IllegalArgumentException("LLM_PROGRESS must be auto, always or never (got '" + mode + "')");
    };
  }

  private static boolean hasTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    // From Java 22 a console exists even when output is redirected; isTerminal() tells them apart.
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // Java 17-21: a console means stdin and stdout are a terminal
    }
  }

  /** {@code $LLM_HOME}, else {@code ~/.llm}: node logs and pid files, storage, caches. */
  Path home() {
    String h = get("LLM_HOME");
    return h != null ? Path.of(h) : Path.of(System.getProperty("user.home"), ".llm");
  }

  /** Where a node started in the background on {@code host:port} keeps its log and pid file. */
  Path nodeDir(String host, int port) {
    return home().resolve("nodes").resolve(host + "_" + port);
  }
}
