package io.byzerllm.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Per-call generation options; a null field means the provider's own default (no surprising
 * defaults of ours). {@code model} overrides {@code saas.model} for one call (byzerllm's
 * {@code gen.model}). {@code extra} passes other fields through to the provider as they are
 * (e.g. {@code presence_penalty}, {@code seed}, {@code response_format}, {@code tools}).
 */
public record ChatOptions(
    Integer maxTokens,
    Double temperature,
    Double topP,
    List<String> stop,
    String model,
    Map<String, JsonNode> extra) {

  public static final ChatOptions DEFAULTS = new ChatOptions(null, null, null, List.of(), null, Map.of());

  public ChatOptions {
    stop = stop == null ? List.of() : List.copyOf(stop);
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }
}
