package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request the fake upstream received. Header names are case-insensitive. {@code body} is the
 * request body as text (for multipart a one-line summary of its fields); {@code json} is the body
 * parsed as JSON (for multipart an object of its fields, the file as {@code {filename, content_type,
 * size}}), or null when the body was not JSON.
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers, String body, JsonNode json) {
  public RecordedRequest {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    headers = Collections.unmodifiableMap(copy);
  }

  /** The first value of a header, or null when it was not sent. */
  public String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
