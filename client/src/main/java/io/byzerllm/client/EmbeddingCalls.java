package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.client.internal.Gateway;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Embeddings: vectors in input order. */
final class EmbeddingCalls {
  private final Gateway gateway;

  EmbeddingCalls(Gateway gateway) {
    this.gateway = gateway;
  }

  /** {@code inputType} is {@code "query"}, {@code "document"}, or null for the node's default. */
  List<float[]> embed(String model, List<String> texts, String inputType) {
    if (texts == null || texts.isEmpty()) {
      throw new IllegalArgumentException("texts is empty; pass at least one text to embed");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("input", List.copyOf(texts));
    if (inputType != null) {
      body.put("input_type", inputType);
    }
    JsonNode answer = gateway.embeddings(body);
    return vectors(answer.path("data"), texts.size());
  }

  private static List<float[]> vectors(JsonNode data, int expected) {
    List<float[]> out = new ArrayList<>(Collections.nCopies(expected, (float[]) null));
    int position = 0;
    for (JsonNode item : data) {
      int index = item.path("index").asInt(position++);
      JsonNode embedding = item.path("embedding");
      float[] v = new float[embedding.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) embedding.get(i).asDouble();
      }
      if (index >= 0 && index < expected) {
        out.set(index, v);
      }
    }
    if (out.contains(null)) {
      throw new LlmClientException(502, "the node answered " + data.size() + " embeddings for " + expected
          + " texts", null, null);
    }
    return List.copyOf(out);
  }
}
