package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/** Reads a request body once, as JSON or multipart, and records it. */
final class RequestReader {
  private RequestReader() {}

  /**
   * Reads the whole body (so the connection can be kept alive) and hands a {@link RecordedRequest}
   * to {@code recorder} unless it is null (recording off: the hot path skips the copying).
   */
  static FakeExchange read(HttpExchange exchange, Runnable onFinish, Consumer<RecordedRequest> recorder)
      throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    boolean multipart = type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    MultipartForm form = null;
    JsonNode json = null;
    if (multipart) {
      form = parseForm(type, body);
      json = form == null ? null : summary(form);
    } else {
      json = parseJson(body);
    }
    if (recorder != null) {
      String text = multipart ? "multipart: " + json : new String(body, StandardCharsets.UTF_8);
      recorder.accept(new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders(), text, json));
    }
    return new FakeExchange(exchange, body, json, form, onFinish);
  }

  private static JsonNode parseJson(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      return FakeExchange.JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static MultipartForm parseForm(String type, byte[] body) {
    try {
      return MultipartForm.parse(type, body);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The form's fields as JSON: repeated names become arrays, files {@code {filename, content_type, size}}. */
  private static JsonNode summary(MultipartForm form) {
    ObjectNode out = FakeExchange.JSON.createObjectNode();
    for (MultipartForm.Part p : form.parts()) {
      JsonNode value = p.fileName() == null ? FakeExchange.JSON.getNodeFactory().textNode(p.text())
          : FakeExchange.JSON.createObjectNode().put("filename", p.fileName()).put("content_type", p.contentType())
              .put("size", p.data().length);
      JsonNode existing = out.get(p.name());
      if (existing == null) {
        out.set(p.name(), value);
      } else if (existing.isArray()) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) existing).add(value);
      } else {
        out.putArray(p.name()).add(existing).add(value);
      }
    }
    return out;
  }
}
