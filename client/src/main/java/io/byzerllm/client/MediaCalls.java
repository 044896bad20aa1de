package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.byzerllm.client.internal.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Speech, transcription and image generation: the typed OpenAI audio and image endpoints. */
final class MediaCalls {
  private final Gateway gateway;

  MediaCalls(Gateway gateway) {
    this.gateway = gateway;
  }

  byte[] speech(String model, String input, SpeechOptions options) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("input", input);
    body.put("voice", options.voice());
    body.put("response_format", options.responseFormat());
    if (options.speed() != null) {
      body.put("speed", options.speed());
    }
    return gateway.speech(body);
  }

  Transcription transcribe(String model, Path audioFile, TranscribeOptions options) {
    byte[] audio;
    try {
      audio = Files.readAllBytes(audioFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audio file " + audioFile + ": " + e.getMessage(), e);
    }
    return transcription(gateway.transcribe(model, audioFile.getFileName().toString(), audio, options));
  }

  List<byte[]> generateImage(String model, String prompt, ImageOptions options) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("prompt", prompt);
    body.put("response_format", "b64_json");
    putIfSet(body, "n", options.n());
    putIfSet(body, "size", options.size());
    putIfSet(body, "quality", options.quality());
    putIfSet(body, "style", options.style());
    JsonNode answer = gateway.generateImage(body);
    List<byte[]> images = new ArrayList<>();
    for (JsonNode item : answer.path("data")) {
      String b64 = item.path("b64_json").asText("");
      String url = item.path("url").asText("");
      if (b64.isEmpty() && url.startsWith("data:")) {
        b64 = url.substring(url.indexOf(',') + 1);
      }
      if (!b64.isEmpty()) {
        images.add(Base64.getDecoder().decode(b64));
      }
    }
    return List.copyOf(images);
  }

  private static void putIfSet(Map<String, Object> body, String key, Object value) {
    if (value != null) {
      body.put(key, value);
    }
  }

  private static Transcription transcription(String body) {
    String trimmed = body.strip();
    if (!trimmed.startsWith("{")) {
      return new Transcription(trimmed, body, List.of());
    }
    JsonNode json = Json.tree(trimmed);
    List<Transcription.Segment> segments = new ArrayList<>();
    for (JsonNode s : json.path("segments")) {
      segments.add(new Transcription.Segment(s.path("start").asDouble(), s.path("end").asDouble(),
          s.path("text").asText("")));
    }
    return new Transcription(json.path("text").asText(""), body, segments);
  }
}
