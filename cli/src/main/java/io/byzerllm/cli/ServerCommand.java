package io.byzerllm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code llm server start|stop|status}: run and look after nodes. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Start, stop or inspect cluster nodes.",
    subcommands = {ServerStartCommand.class, ServerStopCommand.class, ServerStatusCommand.class})
final class ServerCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
