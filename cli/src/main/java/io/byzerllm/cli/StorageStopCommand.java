package io.byzerllm.cli;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.LlmClientException;
import io.byzerllm.client.StorageStores;
import io.byzerllm.deploy.ErrorKind;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code llm storage stop}: commits and closes the store (a restarted node no longer opens it), and
 * undeploys {@code emb} only when {@code llm storage} deployed it. A store not running: nothing to do, exit 0.
 */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Commit and close a store (and remove the emb storage deployed).")
final class StorageStopCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Mixin
  StoreOptions store;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    ByzerLLM llm = cluster.client();
    PrintWriter out = spec.commandLine().getOut();
    boolean ownedEmb;
    try {
      ownedEmb = StorageStores.of(llm).stop(store.cluster);
    } catch (LlmClientException e) {
      if (e.kind() != ErrorKind.NOT_FOUND) {
        throw e;
      }
      out.println("storage " + store.cluster + " is not running; nothing to stop");
      out.flush();
      return 0;
    }
    out.println("storage " + store.cluster + " stopped (committed and closed)");
    if (ownedEmb) {
      StorageEmb.stop(llm, store.cluster, out, spec.commandLine().getErr());
    }
    out.flush();
    return 0;
  }
}
