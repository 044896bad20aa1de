package io.byzerllm.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.Multipart;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.Materializer;

/**
 * The model a request names: the top-level {@code model} of a JSON body, read with one streaming pass that skips
 * everything else, or the {@code model} field of a multipart upload.
 */
final class RequestedModel {
  private RequestedModel() {}

  /**
   * The {@code model} field of a multipart/form-data body already read whole, or null when it names none; fails
   * as the upload route itself would when the body is not a readable form.
   */
  static CompletionStage<String> ofForm(HttpEntity.Strict body, long readMillis, Materializer mat) {
    return Unmarshaller.entityToMultipartFormData().unmarshal(body, mat)
        .thenCompose(form -> form.toStrict(readMillis, mat))
        .thenApply(form -> {
          for (Multipart.FormData.BodyPart.Strict part : form.getStrictParts()) {
            if (part.getName().equals("model")) {
              return part.getEntity().getData().utf8String();
            }
          }
          return null;
        });
  }

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
