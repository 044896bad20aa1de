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

  /**
   * The request for the provider: its model in place of ours; no sampling options for a reasoning
   * model; for a {@code stream}, {@code stream_options.include_usage} set (the caller's other stream
   * options kept), since the final usage chunk is what counts a stream's tokens.
   */
  static byte[] request(byte[] body, String upstreamModel, boolean reasoning, boolean stream) {
    boolean[] usageAsked = {false};
    FieldRule rule = (field, in, out) -> {
      if (field.equals("model")) {
        out.writeStringField("model", upstreamModel);
        return true;
      }
      if (stream && field.equals("stream_options")) {
        writeStreamOptions(in, out);
        usageAsked[0] = true;
        return true;
      }
      return reasoning && SAMPLING.contains(field);
    };
    return copy(body, rule, out -> {
      if (stream && !usageAsked[0]) {
        out.writeObjectFieldStart("stream_options");
        out.writeBooleanField("include_usage", true);
        out.writeEndObject();
      }
    }, "the chat request", ErrorKind.INVALID_REQUEST);
  }

  /** The caller's {@code stream_options} (an object, or null) with {@code include_usage} true; the parser ends on its last token. */
  private static void writeStreamOptions(JsonParser in, JsonGenerator out) throws IOException {
    out.writeObjectFieldStart("stream_options");
    if (in.currentToken() == JsonToken.START_OBJECT) {
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String option = in.currentName();
        in.nextToken();
        if (option.equals("include_usage")) {
          in.skipChildren();
        } else {
          out.writeFieldName(option);
          out.copyCurrentStructure(in);
        }
      }
    }
    out.writeBooleanField("include_usage", true);
    out.writeEndObject();
  }

  /** The provider's answer for our caller: our request id and the deployment's name. */
  static byte[] answer(byte[] body, String requestId, String model) {
    return copy(body, (field, in, out) -> switch (field) {
      case "id" -> {
        out.writeStringField("id", requestId);
        yield true;
      }
      case "model" -> {
        out.writeStringField("model", model);
        yield true;
      }
      default -> false;
    }, out -> {}, "the provider's answer", ErrorKind.UPSTREAM);
  }

  /**
   * Decides a top-level field, the parser on its value: true when it wrote (or dropped) it, false to
   * copy it as it is.
   */
  private interface FieldRule {
    boolean handle(String field, JsonParser in, JsonGenerator out) throws IOException;
  }

  /** Writes what goes after the body's own fields. */
  private interface Trailer {
    void write(JsonGenerator out) throws IOException;
  }

  private static byte[] copy(byte[] body, FieldRule rule, Trailer trailer, String what, ErrorKind invalid) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + 32);
    try (JsonParser in = JSON.createParser(body); JsonGenerator out = JSON.createGenerator(bytes)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new LlmException(invalid, what + " is not a JSON object");
      }
      out.writeStartObject();
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        in.nextToken();
        if (rule.handle(field, in, out)) {
          in.skipChildren();
        } else {
          out.writeFieldName(field);
          out.copyCurrentStructure(in);
        }
      }
      trailer.write(out);
      out.writeEndObject();
    } catch (IOException e) {
      throw new LlmException(invalid, what + " is not valid JSON: " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }
}
