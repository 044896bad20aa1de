package io.byzerllm.cli;

import picocli.CommandLine.Option;

/**
 * {@code --output text|json} (and its short form {@code --json}): text tables for people, or the
 * result as JSON, the records as the HTTP API spells them, for scripts. One mixin for every command
 * that prints a result.
 */
final class OutputOptions {
  /** How a result is printed; lower case because picocli offers and matches the constants' names. */
  enum Format { text, json }

  /** True with {@code --output json} or {@code --json}. */
  @Option(names = "--json", description = "The same as --output json.")
  boolean json;

  @Option(names = "--output", paramLabel = "FORMAT", description = "text (default: tables) or json (for scripts).")
  void format(Format format) {
    json = format == Format.json;
  }
}
