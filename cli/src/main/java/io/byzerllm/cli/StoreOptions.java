package io.byzerllm.cli;

import picocli.CommandLine.Option;

/** {@code --cluster}: which store a storage command is about (byzerllm's name for it). */
final class StoreOptions {
  @Option(names = "--cluster", defaultValue = "byzerai_store", paramLabel = "NAME",
      description = "The store's name (default byzerai_store).")
  String cluster;
}
