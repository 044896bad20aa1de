package io.byzerllm.cli;

import io.byzerllm.server.NodeSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code llm server start} was asked for. {@code numCpus} null means "this machine's cores";
 * {@code apiKey} null means an open node.
 */
record NodeOptions(String host, int port, int clusterPort, List<String> join, Double numCpus, double numGpus,
    String apiKey) {

  NodeOptions {
    host = host == null || host.isBlank() ? "127.0.0.1" : host;
    join = join == null ? List.of() : List.copyOf(join);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535 (got " + port + ")");
    }
    if (clusterPort < 0 || clusterPort > 65535) {
      throw new IllegalArgumentException("--cluster_port must be between 0 and 65535 (got " + clusterPort + ")");
    }
  }

  /** The defaults a command uses when it starts a node on its own: 127.0.0.1:8000, cluster port 2551. */
  static NodeOptions defaults(String apiKey) {
    return new NodeOptions("127.0.0.1", NodeSettings.DEFAULT_HTTP_PORT, NodeSettings.DEFAULT_CLUSTER_PORT, List.of(),
        null, 0, apiKey);
  }

  String httpUrl() {
    return "http://" + host + ":" + port;
  }

  NodeSettings settings(Path home) {
    double cpus = numCpus != null ? numCpus : Runtime.getRuntime().availableProcessors();
    return new NodeSettings(host, port, clusterPort, join, cpus, numGpus, apiKey, home, java.util.Map.of());
  }

  /** The {@code llm} arguments that start this node in the foreground; the key travels in the environment, never here. */
  List<String> foregroundArgs() {
    List<String> args = new ArrayList<>(List.of("server", "start", "--host", host, "--port", String.valueOf(port),
        "--cluster_port", String.valueOf(clusterPort), "--num_gpus", String.valueOf(numGpus)));
    if (numCpus != null) {
      args.addAll(List.of("--num_cpus", String.valueOf(numCpus)));
    }
    for (String seed : join) {
      args.addAll(List.of("--join", seed));
    }
    return args;
  }
}
