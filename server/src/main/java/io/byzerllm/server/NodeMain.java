package io.byzerllm.server;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs one node without the command line, for multi-process tests and benchmarks:
 * {@code NodeMain HOME HTTP_PORT CLUSTER_PORT CPUS [SEED_HOST:PORT]}. Users start nodes with
 * {@code llm server start}.
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    CommonPool.configure();
    NodeSettings settings = NodeSettings.defaults(Path.of(args[0]))
        .withPorts(Integer.parseInt(args[1]), Integer.parseInt(args[2]))
        .withResources(Double.parseDouble(args[3]), 0)
        .withJoin(args.length > 4 ? List.of(args[4]) : List.of());
    Node node = Node.start(settings);
    System.out.println("NODE-UP " + node.httpUrl());
    node.whenTerminated().toCompletableFuture().join();
  }
}
