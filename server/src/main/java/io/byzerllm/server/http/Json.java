package io.byzerllm.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.io.IOException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** The one ObjectMapper of the HTTP edge, and JSON bodies in and out. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      // "{...} trailing" is not a JSON document; without this the first value is taken and the rest ignored
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

  private Json() {}

  /** Parses a request body that must be a JSON object; anything else is a 400 that says so. */
  public static ObjectNode object(byte[] body) {
    // Jackson takes some bytes that are not UTF-8 (overlong forms, surrogates) as characters
    int bad = Utf8.firstInvalid(body);
    if (bad >= 0) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "the request body is not valid UTF-8 (at byte " + bad
          + "); send JSON encoded as UTF-8");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "the request body is not valid JSON: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (node == null || !node.isObject()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "the request body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  public static ObjectNode newObject() {
    return MAPPER.createObjectNode();
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON for " + value.getClass().getSimpleName(), e);
    }
  }

  public static HttpResponse ok(Object body) {
    return response(200, body);
  }

  public static HttpResponse response(int status, Object body) {
    return HttpResponse.create().withStatus(status(status))
        .withEntity(ContentTypes.APPLICATION_JSON, bytes(body));
  }

  /**
   * Any status a provider may answer, kept as it is: Pekko knows the registered ones and refuses
   * the rest ({@code StatusCodes.get(499)} throws), so an unknown one (nginx's 499, a gateway's
   * 430 or 460) becomes a custom code rather than a 500 with Pekko's message.
   */
  static StatusCode status(int code) {
    return StatusCodes.lookup(code).orElseGet(() -> StatusCodes.custom(code, code < 500 ? "Client Error" : "Server Error",
        "", code / 100 == 2, true));
  }
}
