package io.byzerllm.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One cluster member ({@code GET /api/cluster}): its cluster {@code address} (what {@code --join}
 * takes), its {@code http} URL, its membership {@code status} and the resources it offers and has given out.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeInfo(String address, String http, String status, Amount resources, Amount used) {
  public NodeInfo {
    http = http == null ? "" : http;
    status = status == null ? "" : status;
    resources = resources == null ? new Amount(0, 0) : resources;
    used = used == null ? new Amount(0, 0) : used;
  }

  /** CPUs and GPUs, fractional as Ray's are. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Amount(double cpus, double gpus) {}
}
