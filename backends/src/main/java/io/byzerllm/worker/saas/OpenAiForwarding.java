package io.byzerllm.worker.saas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * Forwarding without trees: one streaming copy of a body, top-level fields replaced or dropped on
 * the way, everything else (messages, tools, options we never interpret) byte-for-byte in meaning.
 */
final class OpenAiForwarding {
  private static final JsonFactory JSON = SaasJson.MAPPER.getFactory();
  private static final Set<String> SAMPLING = Set.of("temperature", "top_p");

  private OpenAiForwarding() {}

  /** The request for the provider: its model in place of ours; no sampling options for a reasoning model. */
  static byte[] request(byte[] body, String upstreamModel, boolean reasoning) {
    return copy(body, (field, out) -> {
      if (field.equals("model")) {
        out.writeStringField("model", upstreamModel);
        return true;
      }
      return reasoning && SAMPLING.contains(field);
    }, "the chat request", ErrorKind.INVALID_REQUEST);
  }

  /** The provider's answer for our caller: our request id and the deployment's name. */
  static byte[] answer(byte[] body, String requestId, String model) {
    return copy(body, (field, out) -> switch (field) {
      case "id" -> {
        out.writeStringField("id", requestId);
        yield true;
      }
      case "model" -> {
        out.writeStringField("model", model);
        yield true;
      }
      default -> false;
    }, "the provider's answer", ErrorKind.UPSTREAM);
  }

  /** Decides a top-level field: true when it wrote (or dropped) it, false to copy it as it is. */
  private interface FieldRule {
    boolean handle(String field, JsonGenerator out) throws IOException;
  }

  private static byte[] copy(byte[] body, FieldRule rule, String what, ErrorKind invalid) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + 32);
    try (JsonParser in = JSON.createParser(body); JsonGenerator out = JSON.createGenerator(bytes)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new LlmException(invalid, what + " is not a JSON object");
      }
      out.writeStartObject();
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        in.nextToken();
        if (rule.handle(field, out)) {
          in.skipChildren();
        } else {
          out.writeFieldName(field);
          out.copyCurrentStructure(in);
        }
      }
      out.writeEndObject();
    } catch (IOException e) {
      throw new LlmException(invalid, what + " is not valid JSON: " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }
}
