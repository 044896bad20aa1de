package io.byzerllm.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * byzerllm's multimodal conventions inside a chat call, as its OpenAI-style SaaS models apply them.
 *
 * <ul>
 *   <li>Vision: content that is a JSON array (or a string holding one) of byzerllm parts
 *       ({@code {"image": dataUrlOrBase64}}, {@code {"image_url": ...}}, {@code {"text": ...}})
 *       becomes OpenAI content parts; raw base64 gets {@code data:image/jpeg;base64,}.</li>
 *   <li>Media: when the last user message is a JSON object (or an array whose first item is one)
 *       with {@code voice} it is speech, else with {@code input} image generation, else with
 *       {@code audio} transcription; the answer's content is base64 audio, the first image's base64,
 *       or the transcription body.</li>
 * </ul>
 */
public final class ChatConventions {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IMAGE_PREFIX = "data:image/jpeg;base64,";

  private ChatConventions() {}

  /**
   * The call with byzerllm content parts turned into OpenAI parts; other messages are left as they
   * are, and a call with nothing to change is returned as it is. Never throws.
   */
  public static ChatCall normalize(ChatCall call) {
    List<ChatMessage> out = new ArrayList<>(call.messages().size());
    boolean changed = false;
    for (ChatMessage m : call.messages()) {
      JsonNode parts = partsOf(m.content());
      if (parts == null) {
        out.add(m);
      } else {
        out.add(new ChatMessage(m.role(), openAiParts((ArrayNode) parts), m.name(), m.prefix(), m.toolCalls(), m.toolCallId(),
            m.thinkingBlocks()));
        changed = true;
      }
    }
    return changed ? new ChatCall(call.requestId(), out, call.options()) : call;
  }

  /**
   * Answers a chat call the way byzerllm does: a media request in the last user message goes to
   * speech, image generation or transcription; anything else to {@code backend.chat(normalize(call))}.
   * A media field with bad base64 fails with {@code INVALID_REQUEST} naming the field.
   */
  public static CompletionStage<ChatResult> chat(ModelBackend backend, ChatCall call) {
    ObjectNode media = mediaRequest(call);
    try {
      if (media == null) {
        return backend.chat(normalize(call));
      }
      if (media.has("voice")) {
        return backend.speech(speechCall(media)).thenApply(r -> answer(call, Base64.getEncoder().encodeToString(r.audio())));
      }
      if (media.has("input")) {
        return backend.generateImage(imageCall(media)).thenApply(r -> answer(call, r.images().get(0).b64Json()));
      }
      return backend.transcribe(transcriptionCall(media)).thenApply(r -> answer(call, r.body()));
    } catch (LlmException e) {
      return CompletableFuture.failedFuture(e);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new LlmException(ErrorKind.INVALID_REQUEST,
          "the last user message is a media request that cannot be used: " + e.getMessage(), e));
    }
  }

  /**
   * Streams a chat call the way byzerllm does: speech comes as base64 chunks of the audio
   * ({@code chunk_size} bytes each, {@value #DEFAULT_AUDIO_CHUNK_BYTES} by default, rounded to whole
   * base64 groups so the deltas joined are the non-streamed answer); an image or a transcription in
   * one delta; anything else is {@code backend.stream(normalize(call))}.
   */
  public static StreamHandle stream(ModelBackend backend, ChatCall call, Consumer<ChatDelta> onDelta) {
    ObjectNode media = mediaRequest(call);
    if (media == null) {
      return backend.stream(normalize(call), onDelta);
    }
    int pieceChars = media.has("voice") ? base64Chars(media.path("chunk_size").asInt(DEFAULT_AUDIO_CHUNK_BYTES)) : 0;
    CompletionStage<ChatResult> done = chat(backend, call).thenApply(r -> {
      String content = r.content();
      int step = pieceChars > 0 ? pieceChars : Math.max(1, content.length());
      int from = 0;
      do {
        int to = Math.min(content.length(), from + step);
        boolean last = to == content.length();
        onDelta.accept(new ChatDelta(content.substring(from, to), null, last ? r.finishReason() : null,
            last ? r.usage() : null, null));
        from = to;
      } while (from < content.length());
      return r;
    });
    return new StreamHandle(done, () -> {});
  }

  /** Audio bytes per streamed speech delta when the request gives no {@code chunk_size}. */
  public static final int DEFAULT_AUDIO_CHUNK_BYTES = 64 * 1024;

  /** Base64 characters that encode {@code bytes} bytes, rounded up to whole 3-byte groups (no padding inside). */
  private static int base64Chars(int bytes) {
    int groups = Math.max(1, (bytes + 2) / 3);
    return groups * 4;
  }

  /**
   * Whether {@link #chat} would answer this call with speech, an image or a transcription rather
   * than a chat completion (a stream path can then answer it in one piece).
   */
  public static boolean isMediaRequest(ChatCall call) {
    return mediaRequest(call) != null;
  }

  /**
   * What the call asks of the model: speech, image or transcription for a media request (so a
   * TTS-only model answers byzerllm's {@code {"input", "voice"}} chat), else {@code otherwise}
   * (chat or stream).
   */
  public static Capability capabilityOf(ChatCall call, Capability otherwise) {
    ObjectNode media = mediaRequest(call);
    if (media == null) {
      return otherwise;
    }
    return media.has("voice") ? Capability.SPEECH : media.has("input") ? Capability.IMAGE : Capability.TRANSCRIPTION;
  }

  /** The media request object of the last user message, or null when it is an ordinary message. */
  private static ObjectNode mediaRequest(ChatCall call) {
    ChatMessage last = null;
    for (ChatMessage m : call.messages()) {
      if ("user".equals(m.role())) {
        last = m;
      }
    }
    if (last == null) {
      return null;
    }
    JsonNode content = last.content().isTextual() ? parseJson(last.content().asText()) : last.content();
    JsonNode candidate = content != null && content.isArray() ? content.path(0) : content;
    if (candidate instanceof ObjectNode o
        && (o.has("voice") || o.has("input") || o.has("audio") || o.has("audio_url"))) {
      return o;
    }
    return null;
  }

  private static SpeechCall speechCall(ObjectNode m) {
    return new SpeechCall(text(m, "input"), text(m, "voice"), text(m, "response_format"),
        m.path("speed").isNumber() ? m.get("speed").asDouble() : null, null, rest(m, "input", "voice", "response_format", "speed"));
  }

  private static ImageCall imageCall(ObjectNode m) {
    String size = text(m, "size");
    String quality = text(m, "quality");
    return new ImageCall(text(m, "input"), size == null ? "1024x1024" : size, quality == null ? "standard" : quality,
        m.path("n").isInt() ? m.get("n").asInt() : 1, text(m, "style"), null,
        rest(m, "input", "size", "quality", "n", "style", "response_format"));
  }

  private static TranscriptionCall transcriptionCall(ObjectNode m) {
    String field = m.has("audio") ? "audio" : "audio_url";
    JsonNode value = m.get(field);
    String data = value.isObject() ? value.path("url").asText(null) : value.isTextual() ? value.asText() : null;
    if (data == null || data.isBlank()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "field '" + field
          + "' of the last user message must be a data URL or base64 audio");
    }
    String extension = text(m, "type") == null ? "wav" : text(m, "type");
    String base64 = data;
    if (data.startsWith("data:")) {
      int comma = data.indexOf(',');
      String mediaType = data.substring(5, Math.max(5, data.indexOf(';') > 0 ? data.indexOf(';') : comma));
      extension = extensionOf(mediaType, extension);
      base64 = comma < 0 ? "" : data.substring(comma + 1);
    }
    byte[] audio = decode(base64, field);
    return new TranscriptionCall(audio, "audio." + extension, null, text(m, "language"), text(m, "prompt"),
        text(m, "response_format"), null, m.path("temperature").isNumber() ? m.get("temperature").asDouble() : null);
  }

  private static String extensionOf(String mediaType, String fallback) {
    String type = mediaType.toLowerCase(Locale.ROOT).trim();
    return switch (type) {
      case "audio/mpeg", "audio/mp3", "audio/mpga" -> "mp3";
      case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave" -> "wav";
      case "audio/mp4", "audio/m4a", "audio/x-m4a" -> "m4a";
      case "audio/ogg", "audio/opus" -> "ogg";
      case "audio/webm" -> "webm";
      case "audio/flac", "audio/x-flac" -> "flac";
      default -> type.startsWith("audio/") && type.length() > 6 ? type.substring(6).replaceAll("[^a-z0-9]", "") : fallback;
    };
  }

  private static byte[] decode(String base64, String field) {
    try {
      // strict alphabet: the MIME decoder would silently skip characters that are not base64
      byte[] bytes = Base64.getDecoder().decode(base64.replaceAll("\\s+", ""));
      if (bytes.length == 0) {
        throw new IllegalArgumentException("empty");
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "field '" + field
          + "' of the last user message is not valid base64 (" + e.getMessage() + ")", e);
    }
  }

  private static ChatResult answer(ChatCall call, String content) {
    return new ChatResult(call.requestId(), content, null, "stop", Usage.NONE, null, null, 0);
  }

  // ---- vision parts ----

  /** The content as an array of parts to convert, or null when it is not one. */
  private static JsonNode partsOf(JsonNode content) {
    JsonNode parts = content;
    if (content.isTextual()) {
      String t = content.asText().strip();
      if (!(t.startsWith("[") && t.endsWith("]"))) {
        return null;
      }
      parts = parseJson(t);
    }
    if (parts == null || !parts.isArray() || parts.isEmpty()) {
      return null;
    }
    boolean anyByzerPart = false;
    for (JsonNode p : parts) {
      if (!p.isObject() || !(p.has("type") || p.has("image") || p.has("image_url") || p.has("text"))) {
        return null;
      }
      anyByzerPart |= !p.has("type");
    }
    // an array of standard parts already in a JSON array node needs nothing; in a string it needs parsing
    return anyByzerPart || content.isTextual() ? parts : null;
  }

  private static ArrayNode openAiParts(ArrayNode parts) {
    ArrayNode out = JSON.createArrayNode();
    for (int j = 0; j < parts.size(); j++) {
      ObjectNode p = (ObjectNode) parts.get(j);
      if (p.has("type")) {
        out.add(p);
      } else if (p.has("image") || p.has("image_url")) {
        out.add(imagePart(p));
        if (p.has("text")) {
          // byzerllm's {"image": ..., "text": ...} in one item: the text is its own part
          out.add(JSON.createObjectNode().put("type", "text").put("text", p.get("text").asText()));
        }
      } else {
        ObjectNode text = JSON.createObjectNode().put("type", "text");
        text.setAll(p);
        out.add(text);
      }
    }
    return out;
  }

  private static ObjectNode imagePart(ObjectNode p) {
    String field = p.has("image") ? "image" : "image_url";
    JsonNode value = p.get(field);
    String url = value.isObject() ? value.path("url").asText("") : value.asText("");
    if (!(url.startsWith("data:") || url.startsWith("http://") || url.startsWith("https://"))) {
      url = IMAGE_PREFIX + url.strip(); // not decoded here: the provider checks the image and says what is wrong
    }
    ObjectNode imageUrl = value.isObject() ? ((ObjectNode) value).deepCopy() : JSON.createObjectNode();
    imageUrl.put("url", url);
    p.properties().forEach(e -> {
      if (!e.getKey().equals(field) && !e.getKey().equals("text")) {
        imageUrl.set(e.getKey(), e.getValue()); // e.g. detail: OpenAI reads it inside image_url
      }
    });
    ObjectNode out = JSON.createObjectNode().put("type", "image_url");
    out.set("image_url", imageUrl);
    return out;
  }

  // ---- small JSON readers ----

  private static JsonNode parseJson(String text) {
    String t = text.strip();
    if (!(t.startsWith("{") || t.startsWith("["))) {
      return null;
    }
    try {
      return JSON.readTree(t);
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(ObjectNode m, String field) {
    JsonNode v = m.get(field);
    return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
  }

  private static Map<String, JsonNode> rest(ObjectNode m, String... used) {
    Map<String, JsonNode> out = new HashMap<>();
    m.properties().forEach(e -> out.put(e.getKey(), e.getValue()));
    for (String u : used) {
      out.remove(u);
    }
    out.remove("chunk_size"); // byzerllm's streaming hint, not a provider field
    return out;
  }
}
