package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * A local upstream on {@code 127.0.0.1} that speaks Volcengine's (openspeech) text-to-speech HTTP API
 * as documented: {@code POST /api/v1/tts} with {@code Authorization: Bearer;<token>} and a JSON body
 * of {@code app{appid, token, cluster}}, {@code user{uid}}, {@code audio{voice_type, encoding, ...}},
 * {@code request{reqid, text, text_type, operation}}; the answer is {@code {reqid, code: 3000,
 * operation, message: "Success", sequence: -1, data: <base64 audio>, addition}}. Errors carry
 * {@code {reqid, code, message}}: 3001 invalid request, 3003 over the concurrency quota, 3005 busy,
 * 3010 text over 1024 bytes, 3050 unknown voice.
 *
 * <p>The "audio" is {@code FAKEAUDIO:<voice_type>:<encoding>:<speed_ratio>:<text>}, so a test sees
 * what reached the provider. Voices whose name starts with {@code unknown} do not exist.
 */
public final class FakeVolcengineTtsServer extends FakeUpstream<FakeVolcengineTtsServer> {
  /** What the provider takes in {@code audio.encoding}. */
  public static final Set<String> ENCODINGS = Set.of("mp3", "wav", "pcm", "ogg_opus");
  private static final int MAX_TEXT_BYTES = 1024;

  private FakeVolcengineTtsServer() {
    super("fake-volcengine");
  }

  public static FakeVolcengineTtsServer start() {
    return new FakeVolcengineTtsServer();
  }

  /** {@code http://127.0.0.1:PORT}, what {@code saas.base_url} should be. */
  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** The audio bytes the fake answers for these settings and text. */
  public static byte[] audioFor(String voice, String encoding, double speed, String text) {
    return ("FAKEAUDIO:" + voice + ":" + encoding + ":" + speed + ":" + text).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  boolean isChat(FakeExchange ex) {
    return false;
  }

  /** The token goes in {@code Authorization: Bearer;<token>} (a semicolon) and again in {@code app.token}. */
  @Override
  boolean authorized(FakeExchange ex) throws IOException {
    String key = requiredApiKey();
    if (key == null) {
      return true;
    }
    String auth = ex.header("Authorization");
    if (auth == null || !auth.equals("Bearer;" + key) || !key.equals(ex.json().at("/app/token").asText())) {
      ex.sendJson(401, error(reqid(ex), 3001, "[resource_id=volc.tts.default] authenticate request: load grant: "
          + "requested grant not found"), Map.of());
      return false;
    }
    return true;
  }

  @Override
  JsonNode errorBody(int status, String message) {
    int code = switch (status) {
      case 429 -> 3003;
      case 503 -> 3005;
      case 504 -> 3030;
      default -> status >= 500 ? 3031 : 3001;
    };
    return error("", code, message);
  }

  private static ObjectNode error(String reqid, int code, String message) {
    return FakeExchange.JSON.createObjectNode().put("reqid", reqid).put("code", code).put("message", message);
  }

  private static String reqid(FakeExchange ex) {
    return ex.json().at("/request/reqid").asText("");
  }

  @Override
  void route(FakeExchange ex, Script script) throws IOException {
    if (!ex.path().equals("/api/v1/tts")) {
      ex.sendJson(404, error("", 3001, "no such API: " + ex.path()), Map.of());
      return;
    }
    JsonNode req = ex.json();
    String reqid = reqid(ex);
    String missing = missing(req);
    if (missing != null) {
      ex.sendJson(400, error(reqid, 3001, "invalid request: " + missing), Map.of());
      return;
    }
    String text = req.at("/request/text").asText();
    String voice = req.at("/audio/voice_type").asText();
    String encoding = req.at("/audio/encoding").asText("mp3");
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
      ex.sendJson(400, error(reqid, 3010, "text too long: over " + MAX_TEXT_BYTES + " bytes"), Map.of());
      return;
    }
    if (voice.startsWith("unknown")) {
      ex.sendJson(400, error(reqid, 3050, "voice_type " + voice + " not exist"), Map.of());
      return;
    }
    if (!ENCODINGS.contains(encoding)) {
      ex.sendJson(400, error(reqid, 3001, "invalid request: unsupported encoding " + encoding), Map.of());
      return;
    }
    byte[] audio = audioFor(voice, encoding, req.at("/audio/speed_ratio").asDouble(1.0), text);
    ObjectNode answer = FakeExchange.JSON.createObjectNode().put("reqid", reqid).put("code", 3000)
        .put("operation", "query").put("message", "Success").put("sequence", -1)
        .put("data", Base64.getEncoder().encodeToString(audio));
    answer.putObject("addition").put("duration", String.valueOf(text.length() * 200));
    ex.sendJson(200, answer, Map.of());
  }

  /** The first required field the request lacks, or null. */
  private static String missing(JsonNode req) {
    for (String field : new String[] {"/app/appid", "/app/token", "/app/cluster", "/user/uid", "/audio/voice_type",
        "/request/reqid", "/request/text"}) {
      if (!req.at(field).isTextual() || req.at(field).asText().isBlank()) {
        return field.substring(1).replace('/', '.') + " is required";
      }
    }
    if (!"query".equals(req.at("/request/operation").asText())) {
      return "request.operation must be query over HTTP (submit streams over the WebSocket API)";
    }
    return null;
  }
}
