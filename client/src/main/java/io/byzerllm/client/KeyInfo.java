package io.byzerllm.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An issued API key as {@code GET /api/keys} lists it: its id (never the key), role ({@code admin}
 * or {@code inference}), allowed models (empty: all), limits (0: none), and its usage in the
 * current minute across the cluster as the answering node knows it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record KeyInfo(String id, String name, String role, List<String> models, int rpm, long tpm,
                      @JsonProperty("max_concurrent") int maxConcurrent, long created, Usage usage) {
  public KeyInfo {
    name = name == null ? "" : name;
    models = models == null ? List.of() : List.copyOf(models);
    usage = usage == null ? new Usage(0, 0, 0) : usage;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Usage(@JsonProperty("in_flight") int inFlight,
                      @JsonProperty("requests_this_minute") long requests,
                      @JsonProperty("tokens_this_minute") long tokens) {}
}
