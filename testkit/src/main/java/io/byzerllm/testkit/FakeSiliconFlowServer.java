package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local upstream on {@code 127.0.0.1} that speaks SiliconFlow's image generation API as documented:
 * {@code POST /v1/images/generations} with {@code Authorization: Bearer} and {@code {model, prompt,
 * image_size, batch_size (1-4), num_inference_steps, ...}}, answering {@code {images: [{url}], timings,
 * seed}} whose URLs it serves itself ({@code GET /files/<id>.png}, no credentials, as signed links are).
 * A wrong key is SiliconFlow's plain-text 401 {@code Invalid token}; other errors are
 * {@code {"code", "message", "data": null}}.
 *
 * <p>Each image is a valid 1x1 PNG. {@link #imageDownloads()} counts the GETs of image links.
 */
public final class FakeSiliconFlowServer extends FakeUpstream<FakeSiliconFlowServer> {
  private static final String FILES = "/files/";
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final AtomicInteger downloads = new AtomicInteger();
  private volatile boolean expiredLinks;

  private FakeSiliconFlowServer() {
    super("fake-siliconflow");
  }

  public static FakeSiliconFlowServer start() {
    return new FakeSiliconFlowServer();
  }

  /** {@code http://127.0.0.1:PORT/v1}, what {@code saas.base_url} should be. */
  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /** The PNG every generated image is. */
  public static byte[] png() {
    return Base64.getDecoder().decode(MediaAnswers.PNG_1X1);
  }

  /** How many image links were fetched. */
  public int imageDownloads() {
    return downloads.get();
  }

  /** While on, generated links answer 404 (a signed URL that expired before it was fetched). */
  public FakeSiliconFlowServer expiredLinks(boolean on) {
    expiredLinks = on;
    return this;
  }

  @Override
  boolean isChat(FakeExchange ex) {
    return ex.path().endsWith("/images/generations");
  }

  @Override
  boolean accepts(FakeExchange ex) {
    return ex.path().startsWith(FILES) ? "GET".equals(ex.method()) : "POST".equals(ex.method());
  }

  @Override
  boolean authorized(FakeExchange ex) throws IOException {
    String key = requiredApiKey();
    if (key == null || ex.path().startsWith(FILES) || ("Bearer " + key).equals(ex.header("Authorization"))) {
      return true;
    }
    ex.sendBytes(401, "text/plain; charset=utf-8", "Invalid token".getBytes(StandardCharsets.UTF_8));
    return false;
  }

  @Override
  JsonNode errorBody(int status, String message) {
    int code = switch (status) {
      case 429 -> 50603;
      case 503 -> 50505;
      default -> status >= 500 ? 50500 : 20015;
    };
    ObjectNode root = FakeExchange.JSON.createObjectNode().put("code", code).put("message", message);
    root.putNull("data");
    return root;
  }

  @Override
  void route(FakeExchange ex, Script script) throws IOException {
    String path = ex.path();
    if (path.startsWith(FILES)) {
      byte[] image = files.get(path.substring(FILES.length()));
      if (image == null) {
        ex.sendBytes(404, "application/xml", "<Error><Code>NoSuchKey</Code></Error>".getBytes(StandardCharsets.UTF_8));
        return;
      }
      downloads.incrementAndGet();
      ex.sendBytes(200, "image/png", image);
      return;
    }
    if (!path.equals("/v1/images/generations")) {
      ex.sendJson(404, errorBody(404, "Not Found"), Map.of());
      return;
    }
    JsonNode req = ex.json();
    String invalid = invalid(req);
    if (invalid != null) {
      ex.sendJson(400, errorBody(400, invalid), Map.of());
      return;
    }
    ObjectNode answer = FakeExchange.JSON.createObjectNode();
    ArrayNode images = answer.putArray("images");
    for (int i = 0; i < req.path("batch_size").asInt(1); i++) {
      String id = UUID.randomUUID() + ".png";
      if (!expiredLinks) {
        files.put(id, png());
      }
      images.addObject().put("url", "http://127.0.0.1:" + port() + FILES + id);
    }
    answer.set("data", images.deepCopy());
    answer.putObject("timings").put("inference", 0.42);
    answer.put("seed", req.path("seed").asLong(1234567));
    ex.sendJson(200, answer, Map.of());
  }

  /** Why SiliconFlow would refuse the body (its 20015 "parameter is invalid"), or null. */
  private static String invalid(JsonNode req) {
    if (!req.path("model").isTextual() || req.get("model").asText().isBlank()) {
      return "model is required";
    }
    if (!req.path("prompt").isTextual() || req.get("prompt").asText().isBlank()) {
      return "prompt is required";
    }
    if (req.has("image_size") && !req.get("image_size").asText().matches("\\d{3,4}x\\d{3,4}")) {
      return "image_size must be WIDTHxHEIGHT, e.g. 1024x1024";
    }
    int batch = req.path("batch_size").asInt(1);
    if (batch < 1 || batch > 4) {
      return "batch_size must be between 1 and 4";
    }
    return null;
  }
}
