package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input, generated from one seed, against every route that reads a body (and the routes that
 * read a name from the path): malformed and truncated JSON, wrong types, invalid UTF-8, bodies over
 * the limit (with and without a length), broken multipart. Every answer is a 4xx in OpenAI's error
 * shape, in time; afterwards the node still serves a chat. Left out: {@code POST /api/node/shutdown}
 * (it takes no body and stops the node, by design) and the DELETE routes (they take no body).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BadInputFuzzIT {
  private static final long SEED = 20261129L;
  private static final int JSON_LIMIT = 64 * 1024;
  private static final int UPLOAD_LIMIT = 256 * 1024;

  @RegisterExtension static final SaasNode NODE = SaasNode.deploying("fz", 1, 4)
      .config("byzerllm.server.body-limits.json", JSON_LIMIT + " B")
      .config("byzerllm.server.body-limits.upload", UPLOAD_LIMIT + " B");

  /**
   * A route that reads a JSON body, with a body it accepts (the cases are made from it) and the fields
   * the node itself reads there (the wrong-type cases). Other fields of a chat travel to the provider
   * as they are, and the provider judges them.
   */
  record JsonRoute(String path, String valid, List<String> readFields) {}

  static final List<JsonRoute> JSON_ROUTES = List.of(
      new JsonRoute("/v1/chat/completions", "{\"model\":\"fz\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
          + "\"stream\":false}", List.of("model", "messages", "stream")),
      new JsonRoute("/v1/embeddings", "{\"model\":\"fz\",\"input\":\"a\"}", List.of("model", "input")),
      new JsonRoute("/v1/audio/speech", "{\"model\":\"fz\",\"input\":\"hello\",\"voice\":\"alloy\"}",
          List.of("model", "input", "voice")),
      new JsonRoute("/v1/images/generations", "{\"model\":\"fz\",\"prompt\":\"a dot\",\"n\":1}", List.of("model", "prompt", "n")),
      new JsonRoute("/api/deployments", "{\"model\":\"fz_new\",\"pretrained_model_type\":\"saas/openai\",\"num_workers\":1,"
          + "\"cpus_per_worker\":0.001,\"infer_params\":{\"saas.model\":\"m\"}}",
          List.of("model", "pretrained_model_type", "num_workers", "cpus_per_worker", "infer_params")),
      new JsonRoute("/api/storage/stores", "{\"cluster\":\"fz_other\"}", List.of("cluster")),
      new JsonRoute("/api/storage/stores/fz_store/emb", "{\"owned\":false}", List.of("owned")),
      new JsonRoute("/api/storage/fz_store/db/t", "{\"fields\":[{\"name\":\"_id\",\"type\":\"long\"},"
          + "{\"name\":\"c\",\"type\":\"string\"}]}", List.of("fields")),
      new JsonRoute("/api/storage/fz_store/db/t/rows", "{\"rows\":[{\"_id\":1,\"c\":\"x\"}]}", List.of("rows")),
      new JsonRoute("/api/storage/fz_store/db/t/search", "{\"keyword\":\"x\",\"limit\":3}", List.of("keyword", "limit")),
      new JsonRoute("/api/storage/fz_store/db/t/export", "{\"after\":\"0\",\"limit\":3}", List.of("after", "limit")),
      new JsonRoute("/api/storage/fz_store/db/t/delete", "{\"ids\":[1]}", List.of("ids")));

  /** GET routes that read names from the path. */
  static final List<String> NAMED_GET_ROUTES = List.of("/api/deployments/%s", "/api/storage/stores/%s", "/api/storage/%s/db/t",
      "/api/storage/fz_store/%s/t", "/dashboard/%s");

  private final Random random = new Random(SEED);
  private final List<String> failures = new ArrayList<>();
  private int cases;

  @BeforeAll
  static void openStore() throws Exception {
    HttpResponse<String> store = NODE.calls().post("/api/storage/stores", "{\"cluster\":\"fz_store\"}");
    assertThat(store.statusCode()).as(store.body()).isEqualTo(201);
    HttpResponse<String> table = NODE.calls().post("/api/storage/fz_store/db/t", JSON_ROUTES.get(7).valid());
    assertThat(table.statusCode()).as(table.body()).isBetween(200, 201);
  }

  @Test
  void fuzzedBadInput_everyRoute_4xxOpenAiShapedAndTheNodeStillServes() throws Exception {
    for (JsonRoute route : JSON_ROUTES) {
      for (byte[] body : malformed(route.valid())) {
        send(route.path(), "application/json", body);
      }
      for (byte[] body : wrongTypes(route)) {
        send(route.path(), "application/json", body);
      }
      for (byte[] body : invalidUtf8(route.valid())) {
        send(route.path(), "application/json", body);
      }
      sendHuge(route.path(), JSON_LIMIT);
    }
    for (byte[][] form : badMultipart()) {
      send("/v1/audio/transcriptions", new String(form[0], StandardCharsets.ISO_8859_1), form[1]);
    }
    sendHuge("/v1/audio/transcriptions", UPLOAD_LIMIT);
    for (String route : NAMED_GET_ROUTES) {
      for (String name : badNames()) {
        expect4xx("GET " + route + " " + name, NODE.calls().send(NODE.calls().request(String.format(route, name)).GET(),
            HttpResponse.BodyHandlers.ofByteArray()));
      }
    }

    assertThat(cases).as("cases sent").isGreaterThan(300);
    assertThat(failures).as(failures.size() + " of " + cases + " cases").isEmpty();
    HttpResponse<String> chat = NODE.calls().post("/v1/chat/completions", NodeCalls.chat("fz", "still there?", false));
    assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    assertThat(NODE.calls().get("/health").statusCode()).isEqualTo(200);
  }

  // ---- cases ----

  /** Truncations at random points, syntax damage, and JSON that is not an object. */
  private List<byte[]> malformed(String valid) {
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      bodies.add(valid.substring(0, 1 + random.nextInt(valid.length() - 1)));
    }
    bodies.add("");
    bodies.add(" ");
    bodies.add("null");
    bodies.add("[]");
    bodies.add("\"text\"");
    bodies.add("42");
    bodies.add(valid + "}");
    bodies.add(valid + " trailing");
    bodies.add(valid.replaceFirst(":", ""));
    bodies.add(valid.replaceFirst("\"", "'"));
    bodies.add(valid.replace("}", ",}"));
    bodies.add("[".repeat(5000) + "]".repeat(5000));
    bodies.add("{\"a\":".repeat(3000) + "1" + "}".repeat(3000));
    byte[] noise = new byte[200];
    random.nextBytes(noise);
    List<byte[]> out = new ArrayList<>(bodies.stream().map(b -> b.getBytes(StandardCharsets.UTF_8)).toList());
    out.add(noise);
    return out;
  }

  /** Each field the node reads given a value of another type (null is left out: it means absent). */
  private List<byte[]> wrongTypes(JsonRoute route) throws Exception {
    JsonNode template = NodeCalls.JSON.readTree(route.valid());
    List<byte[]> out = new ArrayList<>();
    for (String field : route.readFields()) {
      for (JsonNode wrong : wrongValuesFor(template.get(field))) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = template.deepCopy();
        copy.set(field, wrong);
        out.add(NodeCalls.JSON.writeValueAsBytes(copy));
      }
    }
    return out;
  }

  private static List<JsonNode> wrongValuesFor(JsonNode value) {
    var f = NodeCalls.JSON.getNodeFactory();
    List<JsonNode> all = List.of(f.objectNode().put("x", 1), f.arrayNode().add(f.objectNode()).add(true),
        f.booleanNode(true), f.numberNode(-7.5), f.textNode("not-this-type"));
    return all.stream().filter(w -> w.getNodeType() != value.getNodeType()).toList();
  }

  /** The valid body with bytes that are not UTF-8 inside its first string. */
  private List<byte[]> invalidUtf8(String valid) {
    byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
        {(byte) 0xC0, (byte) 0xAF}};
    List<byte[]> out = new ArrayList<>();
    byte[] utf8 = valid.getBytes(StandardCharsets.UTF_8);
    int inString = valid.indexOf("\":\"") + 3; // just inside the first string value
    for (byte[] b : bad) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(utf8, 0, inString);
      body.writeBytes(b);
      body.write(utf8, inString, utf8.length - inString);
      out.add(body.toByteArray());
    }
    return out;
  }

  /** Content-Type, body pairs that are not a usable upload. */
  private List<byte[][]> badMultipart() {
    String boundary = "fz" + random.nextInt(1_000_000);
    String type = "multipart/form-data; boundary=" + boundary;
    String fileHead = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
        + "Content-Type: audio/wav\r\n\r\n";
    String modelPart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nfz\r\n";
    String[][] cases = {
        {type, ""},
        {type, "garbage without boundaries"},
        {type, modelPart + fileHead + "RIFF...."},                                     // never closed
        {type, modelPart + "--" + boundary + "--\r\n"},                                 // no file
        {type, fileHead + "RIFF\r\n--" + boundary + "--\r\n"},                          // no model
        {type, modelPart.replace("Content-Disposition", "Content-Dispo") + fileHead + "x\r\n--" + boundary + "--\r\n"},
        {"multipart/form-data", modelPart + fileHead + "x\r\n--" + boundary + "--\r\n"}, // no boundary parameter
        {"multipart/form-data; boundary=other", modelPart + fileHead + "x\r\n--" + boundary + "--\r\n"},
        {"application/json", "{\"model\":\"fz\",\"file\":\"abc\"}"},
        {"text/plain", "hello"},
        {type, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n\u00ff\u00fe\r\n" + fileHead
            + "x\r\n--" + boundary + "--\r\n"},
    };
    List<byte[][]> out = new ArrayList<>();
    for (String[] c : cases) {
      out.add(new byte[][] {c[0].getBytes(StandardCharsets.ISO_8859_1), c[1].getBytes(StandardCharsets.ISO_8859_1)});
    }
    return out;
  }

  private List<String> badNames() {
    List<String> names = new ArrayList<>(List.of("%FF%FE", "%C3%28", "%00", "..%2F..%2Fetc", "a%20b", "x".repeat(3000),
        "%E2%82", "%ED%A0%80"));
    names.add("n" + random.nextInt(1000) + "%F0%9F");
    return names;
  }

  // ---- sending ----

  private void send(String path, String contentType, byte[] body) throws Exception {
    expect4xx("POST " + path + " " + preview(body), NODE.calls().send(NODE.calls().request(path)
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        HttpResponse.BodyHandlers.ofByteArray()));
  }

  /** Twice the limit: once with a Content-Length, once streamed without one (chunked). */
  private void sendHuge(String path, int limit) throws Exception {
    byte[] body = ("{\"model\":\"fz\",\"input\":\"" + "x".repeat(2 * limit) + "\"}").getBytes(StandardCharsets.UTF_8);
    String type = path.contains("transcriptions") ? "multipart/form-data; boundary=b" : "application/json";
    send(path, type, body);
    expect4xx("POST " + path + " chunked " + body.length + " bytes", NODE.calls().send(NODE.calls().request(path)
        .header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))),
        HttpResponse.BodyHandlers.ofByteArray()));
  }

  private void expect4xx(String what, HttpResponse<byte[]> r) {
    cases++;
    String body = new String(r.body(), StandardCharsets.UTF_8);
    if (r.statusCode() < 400 || r.statusCode() > 499) {
      failures.add(what + " -> " + r.statusCode() + " " + abbreviate(body));
      return;
    }
    try {
      JsonNode error = NodeCalls.JSON.readTree(body).path("error");
      if (!error.path("message").isTextual() || !error.path("type").isTextual() || !error.path("code").isTextual()) {
        failures.add(what + " -> " + r.statusCode() + " not OpenAI-shaped: " + abbreviate(body));
      }
    } catch (Exception e) {
      failures.add(what + " -> " + r.statusCode() + " not JSON: " + abbreviate(body));
    }
  }

  private static String preview(byte[] body) {
    return abbreviate(new String(body, StandardCharsets.ISO_8859_1));
  }

  private static String abbreviate(String s) {
    String oneLine = s.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 120) + "... (" + s.length() + ")";
  }
}
