package io.byzerllm.server;

import java.nio.file.Path;
import java.util.List;

/** Runs one node in its own JVM for multi-process tests: {@code home httpPort clusterPort cpus [seed]}. */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    NodeSettings settings = NodeSettings.defaults(Path.of(args[0]))
        .withPorts(Integer.parseInt(args[1]), Integer.parseInt(args[2]))
        .withResources(Double.parseDouble(args[3]), 0)
        .withJoin(args.length > 4 ? List.of(args[4]) : List.of());
    Node node = Node.start(settings);
    System.out.println("NODE-UP " + node.httpUrl());
    node.whenTerminated().toCompletableFuture().join();
  }
}
