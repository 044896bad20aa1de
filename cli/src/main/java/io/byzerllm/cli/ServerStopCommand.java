package io.byzerllm.cli;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.LlmClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code llm server stop}: asks a node to leave the cluster and stop, and waits until it has: until its HTTP port no
 * longer answers and, for a node this machine started in the background ({@code node.pid}), until its process has
 * exited, so its cluster port is free for a node started right after.
 */
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
    if (!awaitProcessExit(url, deadline)) {
      return ExitCodes.FAILED;
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

  /**
   * The node's HTTP port closes before its JVM has left the cluster and released the cluster port; a stop that
   * returned then would let an immediate restart fail with "Address already in use".
   */
  private boolean awaitProcessExit(String url, long deadline) throws InterruptedException {
    Optional<ProcessHandle> process = readPid(pidFile(url)).flatMap(ProcessHandle::of)
        .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false));
    if (process.isEmpty()) {
      return true; // not started by this machine's CLI, or already gone
    }
    long left = Math.max(0, deadline - System.nanoTime());
    try {
      process.get().onExit().get(left, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      spec.commandLine().getErr().println("error: the node at " + url + " stopped answering but its process (pid "
          + process.get().pid() + ") still runs after " + STOP_TIMEOUT.toSeconds() + "s. Look at its log, or kill "
          + process.get().pid());
      return false;
    } catch (ExecutionException e) {
      return true; // onExit never fails; nothing to wait for
    }
  }

  private Path pidFile(String url) {
    URI u = URI.create(url);
    return CliEnv.of(spec).nodeDir(u.getHost(), u.getPort()).resolve("node.pid");
  }

  private static Optional<Long> readPid(Path pidFile) {
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
    } catch (IOException | NumberFormatException absentOrUnreadable) {
      return Optional.empty();
    }
  }

  private void removePidFile(String url) {
    Path pid = pidFile(url);
    try {
      Files.deleteIfExists(pid);
    } catch (IOException e) {
      spec.commandLine().getErr().println("note: could not remove " + pid + ": " + e.getMessage());
    }
  }
}
