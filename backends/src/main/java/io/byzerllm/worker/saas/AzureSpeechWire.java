package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.worker.SpeechCall;
import io.byzerllm.worker.SpeechResult;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * {@code saas/azure}: the Azure AI Speech text-to-speech REST API, {@code POST
 * https://<region>.tts.speech.microsoft.com/cognitiveservices/v1} with {@code
 * Ocp-Apim-Subscription-Key}, an SSML body ({@code application/ssml+xml}) naming the voice and
 * {@code xml:lang}, and the audio format in {@code X-Microsoft-OutputFormat}; the answer is the audio.
 *
 * <p>Params: {@code saas.api_key}, {@code saas.service_region} (default {@value #DEFAULT_REGION}),
 * {@code saas.base_url} (replaces the region's URL, e.g. for a private endpoint or a test),
 * {@code saas.voice} (default {@value #DEFAULT_VOICE}) and {@code saas.language} (default: the
 * voice's locale). A call's {@code voice}, {@code response_format} (mp3, wav, pcm, opus or an Azure
 * format name), {@code speed} and extra {@code language} win over them.
 */
final class AzureSpeechWire implements WireFormat {
  static final String DEFAULT_REGION = "eastus";
  static final String DEFAULT_VOICE = "zh-CN-XiaoxiaoNeural";
  static final String PATH = "/cognitiveservices/v1";

  private final UpstreamSettings settings;
  private final String region;
  private final String defaultVoice;
  private final String defaultLanguage;

  AzureSpeechWire(ModelSpec spec) {
    String r = spec.param("saas.service_region", DEFAULT_REGION).trim().toLowerCase(Locale.ROOT);
    if (!r.matches("[a-z0-9]+")) {
      throw new InvalidSpecException("saas.service_region must be an Azure region name such as eastus or "
          + "chinaeast2 (got '" + spec.param("saas.service_region", "") + "')");
    }
    this.region = r;
    this.settings = UpstreamSettings.from(spec, "https://" + region + ".tts.speech.microsoft.com", DEFAULT_VOICE);
    this.defaultVoice = spec.param("saas.voice", DEFAULT_VOICE).trim();
    this.defaultLanguage = spec.param("saas.language", null);
  }

  @Override
  public String engine() {
    return "azure-speech";
  }

  @Override
  public UpstreamSettings settings() {
    return settings;
  }

  @Override
  public void authorize(HttpRequest.Builder request, String apiKey) {
    if (apiKey != null) {
      request.header("Ocp-Apim-Subscription-Key", apiKey);
    }
  }

  @Override
  public WireRequest speech(SpeechCall call) {
    String voice = call.voice() == null || call.voice().isBlank() ? defaultVoice : call.voice().trim();
    JsonNode lang = call.extra().get("language");
    String language = lang != null && lang.isTextual() ? lang.asText()
        : defaultLanguage != null ? defaultLanguage : localeOf(voice);
    StringBuilder ssml = new StringBuilder(128 + call.input().length())
        .append("<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='")
        .append(escape(language)).append("'><voice name='").append(escape(voice)).append("'>");
    if (call.speed() != null) {
      // a bare number is a multiplier of the voice's default rate
      ssml.append("<prosody rate='").append(call.speed()).append("'>").append(escape(call.input())).append("</prosody>");
    } else {
      ssml.append(escape(call.input()));
    }
    ssml.append("</voice></speak>");
    return new WireRequest(PATH, "application/ssml+xml", "*/*", ssml.toString().getBytes(StandardCharsets.UTF_8),
        Map.of("X-Microsoft-OutputFormat", outputFormat(call.responseFormat())));
  }

  /** {@code zh-CN} of {@code zh-CN-XiaoxiaoNeural}; {@code zh-CN} when the name has no locale. */
  static String localeOf(String voice) {
    String[] parts = voice.split("-");
    return parts.length >= 3 ? parts[0] + "-" + parts[1] : "zh-CN";
  }

  /** OpenAI's format names as Azure output formats; an Azure name (it has dashes) is used as it is. */
  static String outputFormat(String responseFormat) {
    if (responseFormat == null || responseFormat.isBlank()) {
      return "audio-24khz-48kbitrate-mono-mp3";
    }
    String f = responseFormat.trim().toLowerCase(Locale.ROOT);
    return switch (f) {
      case "mp3" -> "audio-24khz-48kbitrate-mono-mp3";
      case "wav" -> "riff-24khz-16bit-mono-pcm";
      case "pcm" -> "raw-24khz-16bit-mono-pcm";
      case "opus" -> "ogg-24khz-16bit-mono-opus";
      default -> f;
    };
  }

  /** The media type of an output format, for an answer that names none. */
  static String contentType(String outputFormat) {
    if (outputFormat.startsWith("riff-")) {
      return "audio/wav";
    }
    if (outputFormat.startsWith("raw-")) {
      return "audio/pcm";
    }
    if (outputFormat.startsWith("ogg-")) {
      return "audio/ogg";
    }
    if (outputFormat.startsWith("webm-")) {
      return "audio/webm";
    }
    return "audio/mpeg";
  }

  /** Text and attribute values in SSML: the five XML specials escaped (a user's text must not end the markup). */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  @Override
  public SpeechResult readSpeech(WireAnswer answer, SpeechCall call) {
    if (answer.body().length == 0) {
      throw new MalformedAnswer("no audio (an empty body)", "");
    }
    String type = answer.contentType().isBlank() ? contentType(outputFormat(call.responseFormat())) : answer.contentType();
    return new SpeechResult(answer.body(), type);
  }

  /**
   * Azure Speech often answers errors with an empty body; the status then says it all, so the
   * message says what the status means here.
   */
  @Override
  public String errorMessage(byte[] body) {
    if (body.length > 0) {
      return WireFormat.super.errorMessage(body);
    }
    return "(empty body: 400 is bad SSML or an unknown voice or format, 401 a wrong key or a key of another "
        + "region than saas.service_region, 429 the region's quota)";
  }

  @Override
  public void describe(Map<String, Object> out) {
    out.put("service_region", region);
    out.put("voice", defaultVoice);
  }
}
