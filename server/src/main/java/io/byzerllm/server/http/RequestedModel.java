package io.byzerllm.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** The top-level {@code model} of a JSON body, read with one streaming pass that skips everything else. */
final class RequestedModel {
  private RequestedModel() {}

  /** The model named, or null when the body is not a JSON object naming one as a string. */
  static String of(byte[] body) {
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("model")) {
          return value == JsonToken.VALUE_STRING ? p.getText() : null;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null; // malformed: the endpoint itself answers the precise 400
    }
  }
}
