package io.byzerllm.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/** One entry of {@code GET /v1/models}: a deployed model's name, type and what it can be asked to do. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelInfo(String id, @JsonProperty("pretrained_model_type") String pretrainedModelType,
    List<String> capabilities) {
  public ModelInfo {
    pretrainedModelType = pretrainedModelType == null ? "" : pretrainedModelType;
    capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
  }

  /** True when the capabilities list names this one (case-insensitive), e.g. {@code "chat"}, {@code "embedding"}. */
  public boolean can(String capability) {
    return capabilities.stream().anyMatch(c -> c.toLowerCase(Locale.ROOT).equals(capability.toLowerCase(Locale.ROOT)));
  }
}
