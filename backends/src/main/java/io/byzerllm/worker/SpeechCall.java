package io.byzerllm.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Text to speak ({@code /v1/audio/speech}); null fields take the provider's defaults. */
public record SpeechCall(String input, String voice, String responseFormat, Double speed, String model,
                         Map<String, JsonNode> extra) {
  public SpeechCall {
    if (input == null || input.isEmpty()) {
      throw new IllegalArgumentException("a speech call needs input text");
    }
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }
}
