package io.byzerllm.worker;

import java.util.List;

/**
 * One vector per input, in input order. {@code truncatedInputs} counts inputs cut to the model's
 * maximum length rather than rejected.
 */
public record EmbeddingResult(List<float[]> vectors, Usage usage, int truncatedInputs, String upstreamModel) {
  public EmbeddingResult {
    vectors = List.copyOf(vectors);
    usage = usage == null ? Usage.NONE : usage;
  }
}
