package io.byzerllm.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llm completion bash|zsh}: the shell completion script for every command and flag, made by
 * picocli from the command tree itself, so it never falls behind. Load it with
 * {@code source <(llm completion bash)}. zsh gets the same script: it starts with zsh's
 * {@code bashcompinit}, which runs bash completion functions.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a shell completion script.", "Load it with: source <(llm completion bash)  (or zsh)"})
final class CompletionCommand implements Callable<Integer> {
  /** The shells the script is for; lower case because picocli offers and matches the constants' names. */
  enum Shell { bash, zsh }

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
    out.flush();
    return 0;
  }
}
