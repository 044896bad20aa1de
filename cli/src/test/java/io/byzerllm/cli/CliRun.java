package io.byzerllm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** One in-process run of {@code llm}: what it printed on stdout and stderr, and its exit code. */
record CliRun(int exitCode, String out, String err) {

  static CliRun llm(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = LlmCommand.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** A run that must succeed: fails the test with the command and everything it printed otherwise. */
  static CliRun ok(Map<String, String> env, String... args) {
    CliRun r = llm(env, args);
    org.assertj.core.api.Assertions.assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.all()).isZero();
    return r;
  }

  String all() {
    return out + err;
  }
}
