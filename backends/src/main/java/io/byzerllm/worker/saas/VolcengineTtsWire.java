package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.worker.SpeechCall;
import io.byzerllm.worker.SpeechResult;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code saas/volcengine}: Volcengine's (ByteDance openspeech) text-to-speech HTTP API,
 * {@code POST /api/v1/tts} with {@code Authorization: Bearer;<token>} and a JSON body of
 * {@code app{appid, token, cluster}}, {@code user{uid}}, {@code audio{voice_type, encoding,
 * speed_ratio, ...}} and {@code request{reqid, text, text_type, operation: query}}. The answer is
 * JSON whose {@code data} is the whole audio as base64 and whose {@code code} is 3000 on success;
 * the HTTP API answers in one piece (the provider streams only over its WebSocket API).
 *
 * <p>Params: {@code saas.api_key} (the access token), {@code saas.app_id}, {@code saas.model} (the
 * cluster, default {@value #DEFAULT_CLUSTER}), {@code saas.base_url}, {@code saas.voice_type} (the
 * default voice). The voice, format and speed come from the speech call; its extra fields
 * {@code volume_ratio}, {@code pitch_ratio}, {@code emotion}, {@code language} go into {@code audio}.
 */
final class VolcengineTtsWire implements WireFormat {
  static final String DEFAULT_BASE_URL = "https://openspeech.bytedance.com";
  static final String DEFAULT_CLUSTER = "volcano_tts";
  static final String DEFAULT_VOICE = "BV705_streaming";
  private static final int SUCCESS = 3000;
  private static final List<String> AUDIO_EXTRAS = List.of("volume_ratio", "pitch_ratio", "emotion", "language");

  private final UpstreamSettings settings;
  private final String appId;
  private final String defaultVoice;

  VolcengineTtsWire(ModelSpec spec) {
    this.settings = UpstreamSettings.from(spec, DEFAULT_BASE_URL, DEFAULT_CLUSTER);
    // byzerllm's own module read saas.appid; the documented key is saas.app_id
    String app = spec.param("saas.app_id", spec.param("saas.appid", null));
    if (app == null || app.isBlank()) {
      throw new InvalidSpecException("saas/volcengine needs the application id: pass --infer_params saas.app_id=... "
          + "(the appid of the speech application in the Volcengine console)");
    }
    this.appId = app.trim();
    this.defaultVoice = spec.param("saas.voice_type", DEFAULT_VOICE);
  }

  @Override
  public String engine() {
    return "volcengine-tts";
  }

  @Override
  public UpstreamSettings settings() {
    return settings;
  }

  /** Volcengine's scheme is {@code Bearer;<token>}, with a semicolon, not a space. */
  @Override
  public void authorize(HttpRequest.Builder request, String apiKey) {
    if (apiKey != null) {
      request.header("Authorization", "Bearer;" + apiKey);
    }
  }

  @Override
  public WireRequest speech(SpeechCall call) {
    String reqid = UUID.randomUUID().toString();
    ObjectNode body = SaasJson.MAPPER.createObjectNode();
    body.putObject("app").put("appid", appId).put("token", settings.apiKey() == null ? "" : settings.apiKey())
        .put("cluster", call.model() == null ? settings.model() : call.model());
    body.putObject("user").put("uid", "byzerllm");
    ObjectNode audio = body.putObject("audio");
    audio.put("voice_type", call.voice() == null || call.voice().isBlank() ? defaultVoice : call.voice());
    audio.put("encoding", encoding(call.responseFormat()));
    if (call.speed() != null) {
      audio.put("speed_ratio", call.speed());
    }
    for (String extra : AUDIO_EXTRAS) {
      JsonNode v = call.extra().get(extra);
      if (v != null && !v.isNull()) {
        audio.set(extra, v);
      }
    }
    body.putObject("request").put("reqid", reqid).put("text", call.input()).put("text_type", "plain")
        .put("operation", "query");
    return WireRequest.json("/api/v1/tts", body, false);
  }

  /** OpenAI's format names where they differ: {@code opus} is Volcengine's {@code ogg_opus}; default mp3. */
  static String encoding(String responseFormat) {
    if (responseFormat == null || responseFormat.isBlank()) {
      return "mp3";
    }
    String f = responseFormat.trim().toLowerCase(Locale.ROOT);
    return f.equals("opus") ? "ogg_opus" : f;
  }

  @Override
  public SpeechResult readSpeech(WireAnswer answer, SpeechCall call) {
    String text = new String(answer.body(), StandardCharsets.UTF_8);
    JsonNode json;
    try {
      json = SaasJson.MAPPER.readTree(answer.body());
    } catch (IOException e) {
      throw new MalformedAnswer("a body that is not JSON", text);
    }
    if (json == null || !json.isObject()) {
      throw new MalformedAnswer("a body that is not a JSON object", text);
    }
    int code = json.path("code").asInt(-1);
    if (code != SUCCESS) {
      throw new ProviderRefusal(kindOf(code, ErrorKind.UPSTREAM), "code " + code + ": " + json.path("message").asText(""));
    }
    if (!json.path("data").isTextual()) {
      throw new MalformedAnswer("success without base64 audio in 'data'", text);
    }
    byte[] audio;
    try {
      audio = Base64.getDecoder().decode(json.get("data").asText());
    } catch (IllegalArgumentException e) {
      throw new MalformedAnswer("'data' that is not base64", UpstreamErrors.excerpt(text));
    }
    return new SpeechResult(audio, contentType(encoding(call.responseFormat())));
  }

  static String contentType(String encoding) {
    return switch (encoding) {
      case "wav" -> "audio/wav";
      case "pcm" -> "audio/pcm";
      case "ogg_opus" -> "audio/ogg";
      default -> "audio/mpeg";
    };
  }

  /** The provider's {@code message}, with its {@code code} (3001, 3010, ...) so a user can look it up. */
  @Override
  public String errorMessage(byte[] body) {
    try {
      JsonNode json = SaasJson.MAPPER.readTree(body);
      if (json != null && json.has("code") && json.path("message").isTextual()) {
        return "code " + json.get("code").asText() + ": " + json.get("message").asText();
      }
    } catch (IOException e) {
      // not JSON: the shared reading gives an excerpt
    }
    return WireFormat.super.errorMessage(body);
  }

  /** What the provider's code means, where it says more than the HTTP status (busy is 429 or 503 whatever the status). */
  @Override
  public ErrorKind errorKind(int status, byte[] body) {
    if (status == 401 || status == 403) {
      return null;
    }
    try {
      JsonNode json = SaasJson.MAPPER.readTree(body);
      return json == null ? null : kindOf(json.path("code").asInt(-1), null);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Volcengine's documented codes: 3001 invalid request, 3010 text too long, 3011 invalid text, 3050
   * unknown voice (400); 3003 concurrency over the quota (429); 3005 server busy (503); 3030/3032
   * timeouts (504); 3006, 3031, 3040 server-side failures (502).
   */
  private static ErrorKind kindOf(int code, ErrorKind fallback) {
    return switch (code) {
      case 3001, 3010, 3011, 3050 -> ErrorKind.INVALID_REQUEST;
      case 3003 -> ErrorKind.OVERLOADED;
      case 3005 -> ErrorKind.UNAVAILABLE;
      case 3030, 3032 -> ErrorKind.UPSTREAM_TIMEOUT;
      case 3006, 3031, 3040 -> ErrorKind.UPSTREAM;
      default -> fallback;
    };
  }

  @Override
  public void describe(Map<String, Object> out) {
    out.put("app_id", appId);
    out.put("cluster", settings.model());
    out.put("voice_type", defaultVoice);
  }
}
