package io.byzerllm.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code llm}, the root command. Build it with {@link #commandLine(Map)}, which installs the one-line
 * error handling; {@link Main} and the tests both do.
 */
@Command(name = "llm", mixinStandardHelpOptions = true, version = "llm (ByzerLLM for Java) 0.1.0",
    description = "Deploy models onto a cluster and talk to them by name.",
    subcommands = {ServerCommand.class, DeployCommand.class, UndeployCommand.class, QueryCommand.class,
        StatCommand.class, ModelsCommand.class, StorageCommand.class, KeysCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class})
public final class LlmCommand implements Runnable {
  private final CliEnv env;

  @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
  boolean verbose;

  @Spec
  CommandSpec spec;

  /** A root command reading the process environment. */
  public LlmCommand() {
    this(System.getenv());
  }

  /** A root command reading {@code env} instead of the process environment ({@code LLM_*}, --file templates). */
  public LlmCommand(Map<String, String> env) {
    this.env = new CliEnv(env);
  }

  /** The command line Main runs: this command with one-line errors and byzerllm's exit codes. */
  public static CommandLine commandLine(Map<String, String> env) {
    OneLineErrors errors = new OneLineErrors();
    return new CommandLine(new LlmCommand(env))
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors)
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  CliEnv env() {
    return env;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
