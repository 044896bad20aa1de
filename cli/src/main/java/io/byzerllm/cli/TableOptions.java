package io.byzerllm.cli;

import picocli.CommandLine.Option;

/** {@code --database} and {@code --table}: which table of the store a command moves. */
final class TableOptions {
  @Option(names = "--database", paramLabel = "DB", description = "The table's database.")
  String database;

  @Option(names = "--table", paramLabel = "TABLE", description = "The table.")
  String table;
}
