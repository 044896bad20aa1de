package io.byzerllm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code llm keys create|list|revoke}: the cluster's API keys (run with an admin key). */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Create, list or revoke API keys (needs the node's --api_key or another admin key).",
    subcommands = {KeysCreateCommand.class, KeysListCommand.class, KeysRevokeCommand.class})
final class KeysCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
