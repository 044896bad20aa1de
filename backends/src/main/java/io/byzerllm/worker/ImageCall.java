package io.byzerllm.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** An image to generate ({@code /v1/images/generations}); images come back as base64. */
public record ImageCall(String prompt, String size, String quality, Integer n, String style, String model,
                        Map<String, JsonNode> extra) {
  public ImageCall {
    if (prompt == null || prompt.isBlank()) {
      throw new IllegalArgumentException("an image call needs a prompt");
    }
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }
}
