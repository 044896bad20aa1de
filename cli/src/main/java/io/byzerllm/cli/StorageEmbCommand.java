package io.byzerllm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm storage emb start|stop}: the embedding model {@code emb} that storage embeds text with. */
@Command(name = "emb", mixinStandardHelpOptions = true, description = "Deploy or remove the storage's embedding model 'emb'.",
    subcommands = {StorageEmbCommand.Start.class, StorageEmbCommand.Stop.class})
final class StorageEmbCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code llm storage emb start}: deploys the bundled BGE as {@code emb} unless a model {@code emb} is deployed. */
  @Command(name = "start", mixinStandardHelpOptions = true, description = "Deploy the bundled BGE as 'emb' unless one is deployed.")
  static final class Start implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    StoreOptions store;

    @Option(names = {"--emb_model_path", "--emb-model-path"}, paramLabel = "DIR",
        description = "The BGE model directory to deploy instead of the bundled one.")
    String embModelPath;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      StorageEmb.start(cluster.connect(), store.cluster, embModelPath, spec.commandLine().getOut(), spec.commandLine().getErr());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code llm storage emb stop}: undeploys {@code emb}. */
  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Undeploy 'emb'.")
  static final class Stop implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      StorageEmb.stop(cluster.client(), store.cluster, spec.commandLine().getOut(), spec.commandLine().getErr());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
