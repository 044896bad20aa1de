package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;

/** Plain HTTP calls to one node's API, for the loopback ITs: JSON in, the raw response out. */
final class NodeCalls {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** No test call may wait longer than this for its answer. */
  static final java.time.Duration CALL_TIMEOUT = java.time.Duration.ofSeconds(60);

  private final String baseUrl;
  private final String bearer;

  NodeCalls(String baseUrl) {
    this(baseUrl, null);
  }

  private NodeCalls(String baseUrl, String bearer) {
    this.baseUrl = baseUrl;
    this.bearer = bearer;
  }

  /** The same node, each call sending {@code Authorization: Bearer key}. */
  NodeCalls withBearer(String key) {
    return new NodeCalls(baseUrl, key);
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(postRequest(path, body), HttpResponse.BodyHandlers.ofString());
  }

  /** A JSON POST whose answer is bytes (audio, an image). */
  HttpResponse<byte[]> postForBytes(String path, String body) throws Exception {
    return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
    return HTTP.sendAsync(postRequest(path, body), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> delete(String path) throws Exception {
    return HTTP.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) throws Exception {
    return HTTP.send(request.build(), handler);
  }

  /** A request to {@code path} on the node, with the bearer key when this caller has one. */
  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(CALL_TIMEOUT);
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return b;
  }

  private HttpRequest postRequest(String path, String body) {
    return request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /**
   * A stream started over a plain socket (so the test can drop the connection mid-way): posts
   * {@code body} to chat completions, reads up to the first {@code data:} event and returns the
   * open socket; closing it is the caller leaving.
   */
  Socket openStreamToFirstEvent(String body) throws IOException {
    URI uri = URI.create(baseUrl);
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    try {
      socket.setSoTimeout((int) CALL_TIMEOUT.toMillis());
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: " + uri.getHost()
          + "\r\nContent-Type: application/json\r\n" + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
          + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = in.readLine();
      } while (line != null && !line.startsWith("data: "));
      assertThat(line).as("the stream's first event").startsWith("data: ");
      return socket;
    } catch (IOException | RuntimeException | Error e) {
      socket.close();
      throw e;
    }
  }

  /** Deploys and asserts the node answered 201. */
  void deploy(String body) throws Exception {
    HttpResponse<String> r = post("/api/deployments", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  /** The deployment as {@code GET /api/deployments/NAME} shows it. */
  JsonNode deployment(String model) throws Exception {
    HttpResponse<String> r = get("/api/deployments/" + model);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r);
  }

  /** A field summed over the deployment's workers, e.g. {@code queued} or {@code in_flight}. */
  int sumOverWorkers(String model, String field) throws Exception {
    return StreamSupport.stream(deployment(model).path("workers").spliterator(), false)
        .mapToInt(w -> w.path(field).asInt()).sum();
  }

  // ---- bodies ----

  /** A saas/openai deployment against {@code baseUrl}, with these infer params added. */
  static String saasDeployment(String model, String baseUrl, int numWorkers, int concurrency, Map<String, String> params) {
    return saasDeployment(model, "saas/openai", baseUrl, numWorkers, concurrency, params);
  }

  /** A deployment of a SaaS type against {@code baseUrl} (none when null), with these infer params added. */
  static String saasDeployment(String model, String type, String baseUrl, int numWorkers, int concurrency,
                               Map<String, String> params) {
    Map<String, String> infer = new java.util.LinkedHashMap<>();
    if (baseUrl != null) {
      infer.put("saas.base_url", baseUrl);
    }
    infer.put("saas.model", "up-" + model);
    infer.putAll(params);
    return ProviderNode.deployment(model, type, numWorkers, concurrency, infer);
  }

  /** A chat request with one user message. */
  static String chat(String model, String userText, boolean stream) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    body.putArray("messages").addObject().put("role", "user").put("content", userText);
    if (stream) {
      body.put("stream", true);
    }
    return body.toString();
  }

  // ---- reading answers ----

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON (status " + r.statusCode() + "): " + r.body(), e);
    }
  }

  /** The payloads of an SSE body's {@code data:} lines, in order. */
  static List<String> sseData(String body) {
    return body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring("data: ".length())).toList();
  }

  /** The content of a chat answer: the message of a JSON answer, or the deltas of an SSE one joined. */
  static String content(HttpResponse<String> r) {
    if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
      return json(r).at("/choices/0/message/content").asText();
    }
    StringBuilder text = new StringBuilder();
    for (String data : sseData(r.body())) {
      if (!data.equals("[DONE]")) {
        try {
          text.append(JSON.readTree(data).at("/choices/0/delta/content").asText(""));
        } catch (IOException e) {
          throw new UncheckedIOException("an SSE event is not JSON: " + data, e);
        }
      }
    }
    return text.toString();
  }
}
