package io.byzerllm.cli;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.LlmClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code llm server stop}: asks a node to leave the cluster and stop, and waits until it has. */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a node (it leaves the cluster gracefully).")
final class ServerStopCommand implements Callable<Integer> {
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  @Mixin
  ClusterOptions cluster;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ByzerLLM llm = cluster.client();
    String url = llm.url();
    if (!llm.withTimeout(Duration.ofSeconds(3)).health()) {
      spec.commandLine().getErr().println("error: no node answers at " + url + "; nothing to stop. "
          + "Pass --address to stop another node");
      return ExitCodes.UNREACHABLE;
    }
    llm.shutdownNode();
    spec.commandLine().getErr().println("asked the node at " + url + " to stop; waiting for it");
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (stillAnswers(llm)) {
      if (System.nanoTime() > deadline) {
        spec.commandLine().getErr().println("error: the node at " + url + " still answers after "
            + STOP_TIMEOUT.toSeconds() + "s. Look at its log, or stop its process");
        return ExitCodes.FAILED;
      }
      Thread.sleep(200); // the node gives no other sign that it is gone
    }
    removePidFile(url);
    out.println("stopped the node at " + url);
    out.flush();
    return 0;
  }

  private static boolean stillAnswers(ByzerLLM llm) {
    try {
      return llm.withTimeout(Duration.ofSeconds(2)).health();
    } catch (LlmClientException stopping) {
      return true; // it answers, though with an error, while it shuts down
    }
  }

  private void removePidFile(String url) {
    URI u = URI.create(url);
    Path pid = CliEnv.of(spec).nodeDir(u.getHost(), u.getPort()).resolve("node.pid");
    try {
      Files.deleteIfExists(pid);
    } catch (IOException e) {
      spec.commandLine().getErr().println("note: could not remove " + pid + ": " + e.getMessage());
    }
  }
}
