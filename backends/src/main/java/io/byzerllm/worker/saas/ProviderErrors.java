package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Error bodies that carry the provider's own code next to its message (Azure's {@code error.code},
 * DashScope's {@code code}, Zhipu's numeric {@code error.code}): the code says what to change
 * ({@code content_filter}, {@code Arrearage}, {@code 1113}), so it leads the message.
 */
final class ProviderErrors {
  private ProviderErrors() {}

  /**
   * {@code "<code>: <message>"} from the JSON pointers given; the message alone when the code is
   * absent or only repeats an HTTP status; {@link UpstreamErrors#providerMessage} when the body has
   * no such message.
   */
  static String withCode(byte[] body, String codePointer, String messagePointer) {
    JsonNode json = parse(body);
    if (json == null || !json.at(messagePointer).isTextual()) {
      return UpstreamErrors.providerMessage(body);
    }
    String message = json.at(messagePointer).asText();
    String code = json.at(codePointer).asText("");
    boolean httpStatus = code.length() == 3 && code.chars().allMatch(Character::isDigit);
    return code.isBlank() || httpStatus ? message : code + ": " + message;
  }

  /** The provider's code at the pointer, or "" (not JSON, or no code). */
  static String code(byte[] body, String codePointer) {
    JsonNode json = parse(body);
    return json == null ? "" : json.at(codePointer).asText("");
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body.length == 0 ? null : SaasJson.MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
