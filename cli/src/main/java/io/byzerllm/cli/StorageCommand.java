package io.byzerllm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code llm storage start|stop|status|emb|export|import}: Byzer Storage, a vector + full-text store on a node. */
@Command(name = "storage", mixinStandardHelpOptions = true,
    description = "Start, stop or inspect Byzer Storage (vector + full-text tables) and its embedding model.",
    subcommands = {StorageStartCommand.class, StorageStopCommand.class, StorageStatusCommand.class,
        StorageEmbCommand.class, StorageExportCommand.class, StorageImportCommand.class})
final class StorageCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
