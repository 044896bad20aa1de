package io.byzerllm.worker.saas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request a wire asks the core to send: a POST of {@code body} to {@code baseUrl + path}, with
 * {@code headers} the provider wants on this request only (Azure's {@code X-Microsoft-OutputFormat},
 * DashScope's {@code X-DashScope-SSE} for a stream); the user's {@code saas.headers.*} still win.
 */
record WireRequest(String path, String contentType, String accept, byte[] body, Map<String, String> headers) {

  WireRequest {
    headers = Map.copyOf(headers);
  }

  WireRequest(String path, String contentType, String accept, byte[] body) {
    this(path, contentType, accept, body, Map.of());
  }

  /** The same request with one more header. */
  WireRequest withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new WireRequest(path, contentType, accept, body, more);
  }

  /** A JSON body, with an {@code Accept} of JSON or, for a stream, of SSE. */
  static WireRequest json(String path, JsonNode body, boolean stream) {
    return json(path, body, stream ? "text/event-stream" : "application/json");
  }

  static WireRequest json(String path, JsonNode body, String accept) {
    try {
      return new WireRequest(path, "application/json", accept, SaasJson.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new LlmException(ErrorKind.INTERNAL, "cannot write the request for " + path + ": " + e.getOriginalMessage(), e);
    }
  }
}
