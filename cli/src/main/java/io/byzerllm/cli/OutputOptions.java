package io.byzerllm.cli;

import picocli.CommandLine.Option;

/** {@code --json}: print results as JSON (for scripts) instead of text tables. */
final class OutputOptions {
  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;
}
