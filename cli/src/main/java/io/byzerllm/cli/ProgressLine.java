package io.byzerllm.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * One line of progress on stderr, rewritten in place, for long work (a model loading, an import).
 * Shown only when {@link CliEnv#interactive()} says a person watches; otherwise every call is a
 * no-op, so piped output and logs stay clean. Close it to clear the line.
 */
final class ProgressLine implements AutoCloseable {
  private final PrintWriter err;
  private final boolean shown;
  private int width;

  ProgressLine(PrintWriter err, boolean shown) {
    this.err = err;
    this.shown = shown;
  }

  static ProgressLine of(CommandSpec spec) {
    return new ProgressLine(spec.commandLine().getErr(), CliEnv.of(spec).interactive());
  }

  boolean shown() {
    return shown;
  }

  /** Replaces the line with {@code text}. */
  void show(String text) {
    if (!shown) {
      return;
    }
    // a shorter line is padded so that nothing of the longer one before it stays visible
    err.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
    err.flush();
    width = text.length();
  }

  @Override
  public void close() {
    if (shown && width > 0) {
      err.print("\r" + " ".repeat(width) + "\r");
      err.flush();
      width = 0;
    }
  }
}
