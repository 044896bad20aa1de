package io.byzerllm.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Node JVMs started by a test on 127.0.0.1, each with its own home and ports; all killed on close. */
final class NodeProcesses implements AutoCloseable {
  record Spec(Path home, int httpPort, int clusterPort, double cpus) {
    String url() {
      return "http://127.0.0.1:" + httpPort;
    }

    String clusterAddress() {
      return "127.0.0.1:" + clusterPort;
    }
  }

  private final List<Process> processes = new ArrayList<>();

  static Spec spec(Path home, double cpus) throws IOException {
    Files.createDirectories(home);
    return new Spec(home, freePort(), freePort(), cpus);
  }

  Process start(Spec spec, String seed) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(Node.JVM_OPTIONS);
    cmd.add("-Xmx384m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(NodeMain.class.getName());
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
  static void kill(Process p) {
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
