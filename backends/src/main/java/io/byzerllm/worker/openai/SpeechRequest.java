package io.byzerllm.worker.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.worker.SpeechCall;
import java.util.Map;

/** An OpenAI {@code /v1/audio/speech} request: {@code model}, {@code input}, {@code voice}, {@code response_format}, {@code speed}. */
public record SpeechRequest(String model, SpeechCall call) {

  public static SpeechRequest parse(ObjectNode body) {
    String model = Fields.requiredString(body, "model");
    SpeechCall call = new SpeechCall(Fields.requiredString(body, "input"), Fields.optionalString(body, "voice"),
        Fields.optionalString(body, "response_format"), Fields.optionalNumber(body, "speed"), null, Map.of());
    return new SpeechRequest(model, call);
  }
}
