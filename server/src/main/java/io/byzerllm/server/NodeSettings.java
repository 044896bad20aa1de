package io.byzerllm.server;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How to start one node: where it listens (HTTP and cluster), which seeds it joins (none: it is the
 * head of a new cluster), the resources it offers, the bearer key its API demands (null: open), and
 * its home directory ({@code $LLM_HOME}), and settings that override {@code reference.conf} (e.g. a test's
 * short queue timeout).
 */
public record NodeSettings(
    String host,
    int httpPort,
    int clusterPort,
    List<String> join,
    double numCpus,
    double numGpus,
    String apiKey,
    Path home,
    Map<String, String> config) {

  public static final int DEFAULT_HTTP_PORT = 8000;
  public static final int DEFAULT_CLUSTER_PORT = 2551;

  public NodeSettings {
    host = host == null || host.isBlank() ? "127.0.0.1" : host;
    join = join == null ? List.of() : List.copyOf(join);
    if (numCpus < 0 || numGpus < 0) {
      throw new IllegalArgumentException("--num_cpus and --num_gpus cannot be negative");
    }
    apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    config = config == null ? Map.of() : Map.copyOf(config);
  }

  /** Defaults: 127.0.0.1:8000, cluster port 2551, this machine's cores, no GPU, no key. */
  public static NodeSettings defaults(Path home) {
    return new NodeSettings("127.0.0.1", DEFAULT_HTTP_PORT, DEFAULT_CLUSTER_PORT, List.of(),
        Runtime.getRuntime().availableProcessors(), 0, null, home, Map.of());
  }

  /** Ports chosen by the OS (0): for tests and benchmarks. */
  public static NodeSettings ephemeral(Path home) {
    return defaults(home).withPorts(0, 0);
  }

  public NodeSettings withPorts(int http, int cluster) {
    return new NodeSettings(host, http, cluster, join, numCpus, numGpus, apiKey, home, config);
  }

  public NodeSettings withJoin(List<String> seeds) {
    return new NodeSettings(host, httpPort, clusterPort, seeds, numCpus, numGpus, apiKey, home, config);
  }

  public NodeSettings withResources(double cpus, double gpus) {
    return new NodeSettings(host, httpPort, clusterPort, join, cpus, gpus, apiKey, home, config);
  }

  /** {@code path = value} over the node's configuration (durations as "1s"). */
  public NodeSettings withConfig(String path, String value) {
    Map<String, String> next = new HashMap<>(config);
    next.put(path, value);
    return new NodeSettings(host, httpPort, clusterPort, join, numCpus, numGpus, apiKey, home, next);
  }

  public NodeSettings withApiKey(String key) {
    return new NodeSettings(host, httpPort, clusterPort, join, numCpus, numGpus, key, home, config);
  }
}
