package io.byzerllm.server.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a node's request path knows of the cluster, as one immutable snapshot: the deployed models
 * (with each one's call deadline, its fallbacks, and which speak OpenAI's wire format), the workers of each on other nodes (reachable ones only), and
 * how many table refreshes have completed. Local workers are not here: they are read live from
 * {@link io.byzerllm.worker.actor.LocalWorkers}.
 */
public record RoutingTable(boolean loaded, Map<String, Duration> deadlines, Set<String> openAiCompatible,
                           Map<String, List<RemoteWorker>> remote, long refreshes, Map<String, List<String>> fallbacks) {
  static final RoutingTable EMPTY = new RoutingTable(false, Map.of(), Set.of(), Map.of(), 0, Map.of());

  public RoutingTable {
    fallbacks = Map.copyOf(fallbacks);
    deadlines = Map.copyOf(deadlines);
    openAiCompatible = Set.copyOf(openAiCompatible);
    remote = Map.copyOf(remote);
  }

  /** Whether {@code model}'s provider takes OpenAI-shaped chat bodies as they are. */
  public boolean forwardsChat(String model) {
    return openAiCompatible.contains(model);
  }

  /** The models that take {@code model}'s calls when it cannot, in order (its deployment's --fallback). */
  public List<String> fallbacks(String model) {
    return fallbacks.getOrDefault(model, List.of());
  }

  public boolean isDeployed(String model) {
    return deadlines.containsKey(model);
  }

  public List<RemoteWorker> remote(String model) {
    return remote.getOrDefault(model, List.of());
  }

  /** How long a call to a worker of {@code model} on another node may take before it is given up. */
  public Duration deadline(String model, Duration fallback) {
    return deadlines.getOrDefault(model, fallback);
  }

  public String deployedNames() {
    return deadlines.isEmpty() ? "(none; deploy one with 'llm deploy')"
        : String.join(", ", new java.util.TreeSet<>(deadlines.keySet()));
  }
}
