package io.byzerllm.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The cluster as one node sees it: its own address, the leader's, and every member. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterInfo(String self, String leader, List<NodeInfo> nodes) {
  public ClusterInfo {
    self = self == null ? "" : self;
    leader = leader == null ? "" : leader;
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }
}
