package io.byzerllm.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm undeploy}: removes a deployment; idempotent (nothing to remove is not an error). */
@Command(name = "undeploy", mixinStandardHelpOptions = true, description = "Remove a deployed model and stop its workers.")
final class UndeployCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Option(names = "--model", required = true, paramLabel = "NAME", description = "The deployment to remove.")
  String model;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    boolean removed = cluster.connect().undeploy(model);
    PrintWriter out = spec.commandLine().getOut();
    out.println(removed ? "undeployed " + model : model + " was not deployed; nothing to do");
    out.flush();
    return 0;
  }
}
