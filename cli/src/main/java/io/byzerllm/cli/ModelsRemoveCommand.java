package io.byzerllm.cli;

import io.byzerllm.lite.ModelRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm models remove}: takes a model out of the registry; its key file stays (others may share it). */
@Command(name = "remove", mixinStandardHelpOptions = true,
    description = "Remove a model from the registry $LLM_HOME/models.json (its key file stays).")
final class ModelsRemoveCommand implements Callable<Integer> {
  @Option(names = "--name", required = true, description = "The registered name.")
  String name;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    ModelRegistry registry = ModelRegistry.at(CliEnv.of(spec).home());
    PrintWriter out = spec.commandLine().getOut();
    out.println(registry.remove(name) ? "removed " + name + " from " + registry.file()
        : name + " is not in " + registry.file() + "; nothing to remove");
    out.flush();
    return 0;
  }
}
