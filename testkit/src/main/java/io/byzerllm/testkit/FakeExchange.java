package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request being answered: its parsed body plus the ways to answer it. Exactly one answer is
 * sent; {@link #close()} ends the exchange and runs {@code onFinish} once, whatever happened.
 */
final class FakeExchange implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpExchange exchange;
  private final byte[] body;
  private final JsonNode json;
  private final MultipartForm form;
  private final Runnable onFinish;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private OutputStream stream;

  FakeExchange(HttpExchange exchange, byte[] body, JsonNode json, MultipartForm form, Runnable onFinish) {
    this.exchange = exchange;
    this.body = body;
    this.json = json;
    this.form = form;
    this.onFinish = onFinish;
  }

  String path() {
    return exchange.getRequestURI().getPath();
  }

  /** The raw query string, or "" when there is none. */
  String query() {
    String q = exchange.getRequestURI().getRawQuery();
    return q == null ? "" : q;
  }

  String method() {
    return exchange.getRequestMethod();
  }

  String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  byte[] body() {
    return body;
  }

  /** The JSON body, or an empty object when the body was not JSON. */
  JsonNode json() {
    return json == null ? JSON.createObjectNode() : json;
  }

  /** The multipart form, or null when the body was not multipart. */
  MultipartForm form() {
    return form;
  }

  void sendJson(int status, JsonNode answer, Map<String, String> headers) throws IOException {
    headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    sendBytes(status, "application/json", JSON.writeValueAsBytes(answer));
  }

  void sendBytes(int status, String contentType, byte[] bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        finishing(); // the client may see the answer whole the moment its last byte is written
        out.write(bytes);
      }
    }
  }

  /** Headers announcing {@code declaredLength} bytes, then only {@code head}, flushed; the rest never comes. */
  void sendHead(int status, String contentType, byte[] head, int declaredLength) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, declaredLength);
    stream = exchange.getResponseBody();
    stream.write(head);
    stream.flush();
  }

  /** An OpenAI-shaped error: {@code {"error":{"message","type","param","code"}}}. */
  void sendError(int status, String message, Map<String, String> headers) throws IOException {
    sendJson(status, error(status, message), headers);
  }

  static ObjectNode error(int status, String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", errorType(status));
    error.putNull("param");
    error.put("code", errorCode(status));
    return root;
  }

  private static String errorType(int status) {
    return switch (status) {
      case 429 -> "requests";
      case 401, 400, 404 -> "invalid_request_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  private static String errorCode(int status) {
    return switch (status) {
      case 401 -> "invalid_api_key";
      case 404 -> "model_not_found";
      case 429 -> "rate_limit_exceeded";
      default -> null;
    };
  }

  /** Starts an SSE answer: 200, {@code text/event-stream}, chunked. */
  void startEvents() throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    stream = exchange.getResponseBody();
  }

  /** Writes one {@code data:} event and flushes it so the client sees it now. */
  void sendEvent(JsonNode data) throws IOException {
    stream.write("data: ".getBytes(StandardCharsets.US_ASCII));
    stream.write(JSON.writeValueAsBytes(data));
    stream.write('\n');
    stream.write('\n');
    stream.flush();
  }

  /**
   * Writes one event with an {@code event:} name (null for none), as Anthropic and Google frame
   * theirs; {@code last} marks the event that ends the answer.
   */
  void sendEvent(String event, JsonNode data, boolean last) throws IOException {
    if (last) {
      finishing();
    }
    if (event != null) {
      stream.write(("event: " + event + "\n").getBytes(StandardCharsets.UTF_8));
    }
    stream.write("data: ".getBytes(StandardCharsets.US_ASCII));
    stream.write(JSON.writeValueAsBytes(data));
    stream.write('\n');
    stream.write('\n');
    stream.flush();
  }

  void sendDone() throws IOException {
    finishing();
    stream.write(DONE);
    stream.flush();
  }

  /**
   * Writes lines of an event stream as they are (a provider's own framing, e.g. DashScope's
   * {@code id:}/{@code event:}/{@code :HTTP_STATUS/200}/{@code data:} lines and the blank line that
   * ends an event) and flushes them; {@code last} marks the lines that end the answer.
   */
  void sendLines(String lines, boolean last) throws IOException {
    if (last) {
      finishing();
    }
    stream.write(lines.getBytes(StandardCharsets.UTF_8));
    stream.flush();
  }

  /**
   * Ends the exchange. Closing before any answer was sent drops the connection, which is what a
   * stalled request gets when the server closes.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        exchange.close();
      } finally {
        finishing();
      }
    }
  }

  /**
   * The request stops counting as in flight: just before the bytes that let the client see the end
   * (so a client that starts its next call at once never finds the last one still counted), or at close.
   */
  private void finishing() {
    if (finished.compareAndSet(false, true)) {
      onFinish.run();
    }
  }
}
