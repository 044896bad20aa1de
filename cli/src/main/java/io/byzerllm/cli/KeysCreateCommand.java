package io.byzerllm.cli;

import io.byzerllm.client.CreatedKey;
import io.byzerllm.client.NewKey;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm keys create}: issues a key and prints it, the one time it is ever shown. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Issue an API key; it is printed once and stored only as a hash.")
final class KeysCreateCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Option(names = "--name", paramLabel = "TEXT", description = "A note for listings (who or what uses the key).")
  String name;

  @Option(names = "--admin", description = "An admin key (deploy, undeploy, cluster, keys, storage writes); default: inference only.")
  boolean admin;

  @Option(names = {"--model", "--models"}, split = ",", paramLabel = "NAME",
      description = "A model the key may call (repeat or comma-separate); default: every model.")
  List<String> models = List.of();

  @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute, cluster-wide (0: no limit).")
  int rpm;

  @Option(names = "--tpm", paramLabel = "N", description = "Tokens per minute, cluster-wide (0: no limit).")
  long tpm;

  @Option(names = {"--max_concurrent", "--max-concurrent"}, paramLabel = "N",
      description = "Requests in flight at once, cluster-wide (0: no limit).")
  int maxConcurrent;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    CreatedKey created = cluster.client().createKey(new NewKey(name, admin, models, rpm, tpm, maxConcurrent));
    PrintWriter out = spec.commandLine().getOut();
    out.println("id:  " + created.info().id());
    out.println("key: " + created.key());
    out.println("Store the key now: it is not shown again (the cluster keeps only its hash).");
    if (!created.replicated()) {
      out.println("note: not every node confirmed the key yet; it reaches them within seconds.");
    }
    out.flush();
    return 0;
  }
}
