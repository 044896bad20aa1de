package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The one Jackson mapper the SaaS backends read and write with. */
final class SaasJson {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private SaasJson() {}

  /** The JSON object of one SSE event's data; a {@link MalformedAnswer} when it is not one. */
  static JsonNode eventObject(String data) {
    JsonNode json;
    try {
      json = MAPPER.readTree(data);
    } catch (IOException e) {
      throw new MalformedAnswer("an SSE event that is not JSON", data);
    }
    if (json == null || !json.isObject()) {
      throw new MalformedAnswer("an SSE event that is not a JSON object", data);
    }
    return json;
  }
}
