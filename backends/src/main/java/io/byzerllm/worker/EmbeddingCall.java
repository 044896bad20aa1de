package io.byzerllm.worker;

import java.util.List;

/**
 * Texts to embed. {@code query} selects byzerllm's {@code embed_query} (a retrieval query: models
 * with a query instruction prepend it) over {@code embed_documents}. {@code model} overrides the
 * deployed upstream model for one call; null keeps it.
 */
public record EmbeddingCall(List<String> inputs, boolean query, String model, Integer dimensions) {
  public EmbeddingCall {
    if (inputs == null || inputs.isEmpty()) {
      throw new IllegalArgumentException("an embedding call needs at least one input");
    }
    inputs = List.copyOf(inputs);
  }

  public static EmbeddingCall of(List<String> inputs) {
    return new EmbeddingCall(inputs, false, null, null);
  }
}
