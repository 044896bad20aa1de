package io.byzerllm.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Node JVMs started by a test or benchmark on 127.0.0.1, each with its own home and free ports,
 * running {@code io.byzerllm.server.NodeMain} on the caller's class path; all killed on close.
 */
public final class NodeProcesses implements AutoCloseable {
  private static final String NODE_MAIN = "io.byzerllm.server.NodeMain";

  /** One node's home, ports and CPUs. */
  public record Spec(Path home, int httpPort, int clusterPort, double cpus) {
    public String url() {
      return "http://127.0.0.1:" + httpPort;
    }

    public String clusterAddress() {
      return "127.0.0.1:" + clusterPort;
    }
  }

  private final List<String> jvmOptions;
  private final Function<Path, List<String>> nodeDirOptions;
  private final List<Process> processes = new ArrayList<>();

  /** {@code jvmOptions}: what every node JVM needs, e.g. the server's {@code Node.JVM_OPTIONS}. */
  public NodeProcesses(List<String> jvmOptions) {
    this(jvmOptions, dir -> List.of());
  }

  /**
   * {@code nodeDirOptions}: options that name the node's own directory ({@link #nodeDir}), e.g. the
   * server's {@code CrashReports::jvmOptions}.
   */
  public NodeProcesses(List<String> jvmOptions, Function<Path, List<String>> nodeDirOptions) {
    this.jvmOptions = List.copyOf(jvmOptions);
    this.nodeDirOptions = nodeDirOptions;
  }

  /** {@code HOME/nodes/127.0.0.1_<http port>}: the node's logs, durable table and crash reports. */
  public static Path nodeDir(Spec spec) {
    return spec.home().resolve("nodes").resolve("127.0.0.1_" + spec.httpPort());
  }

  public static Spec spec(Path home, double cpus) throws IOException {
    Files.createDirectories(home);
    return new Spec(home, freePort(), freePort(), cpus);
  }

  /** Starts a node that joins {@code seed} (or forms a cluster when seed is its own address); its output goes to home/node.log. */
  public Process start(Spec spec, String seed) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(jvmOptions);
    cmd.addAll(nodeDirOptions.apply(nodeDir(spec)));
    cmd.add("-Xmx384m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(NODE_MAIN);
    cmd.addAll(List.of(spec.home().toString(), String.valueOf(spec.httpPort()), String.valueOf(spec.clusterPort()),
        String.valueOf(spec.cpus())));
    if (seed != null) {
      cmd.add(seed);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.home().resolve("node.log").toFile())).start();
    processes.add(p);
    return p;
  }

  /** kill -9 of the process and everything it started. */
  public static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.onExit().join();
  }

  @Override
  public void close() {
    processes.forEach(NodeProcesses::kill);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
