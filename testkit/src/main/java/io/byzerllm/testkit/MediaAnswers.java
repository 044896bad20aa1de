package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Embeddings, speech, transcriptions and images, answered with deterministic fake content. */
final class MediaAnswers {
  /** A valid 1x1 PNG. */
  static final String PNG_1X1 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

  private MediaAnswers() {}

  static void embeddings(FakeExchange ex, int defaultDimension, boolean reversed) throws IOException {
    JsonNode req = ex.json();
    List<String> inputs = new ArrayList<>();
    JsonNode input = req.path("input");
    if (input.isArray()) {
      input.forEach(n -> inputs.add(n.asText()));
    } else if (input.isTextual()) {
      inputs.add(input.asText());
    }
    if (inputs.isEmpty()) {
      ex.sendError(400, "'input' is a required property", Map.of());
      return;
    }
    int dimension = req.path("dimensions").asInt(defaultDimension);
    boolean base64 = "base64".equals(req.path("encoding_format").asText());
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    int tokens = 0;
    for (int k = 0; k < inputs.size(); k++) {
      int i = reversed ? inputs.size() - 1 - k : k;
      ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
      float[] v = vector(inputs.get(i), dimension);
      if (base64) {
        item.put("embedding", base64(v));
      } else {
        ArrayNode arr = item.putArray("embedding");
        for (float f : v) {
          arr.add(f);
        }
      }
      tokens += ChatAnswers.words(inputs.get(i));
    }
    root.put("model", req.path("model").asText("fake-embedding"));
    root.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    ex.sendJson(200, root, Map.of());
  }

  /** A unit-length vector derived from a hash of the text: equal texts give equal vectors. */
  static float[] vector(String text, int dimension) {
    SplittableRandom random = new SplittableRandom(seed(text));
    float[] v = new float[dimension];
    double norm = 0;
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
      norm += v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dimension; i++) {
      v[i] *= scale;
    }
    return v;
  }

  private static long seed(String text) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(h).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present", e);
    }
  }

  private static String base64(float[] v) {
    ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      buf.putFloat(f);
    }
    return Base64.getEncoder().encodeToString(buf.array());
  }

  static void speech(FakeExchange ex) throws IOException {
    JsonNode req = ex.json();
    if (!req.path("input").isTextual() || !req.path("voice").isTextual()) {
      ex.sendError(400, "'input' and 'voice' are required properties", Map.of());
      return;
    }
    String format = req.path("response_format").asText("mp3");
    byte[] audio = ("FAKEAUDIO:" + req.get("voice").asText() + ":" + req.get("input").asText())
        .getBytes(StandardCharsets.UTF_8);
    ex.sendBytes(200, audioType(format), audio);
  }

  static String audioType(String format) {
    return switch (format) {
      case "wav" -> "audio/wav";
      case "opus" -> "audio/ogg";
      case "aac" -> "audio/aac";
      case "flac" -> "audio/flac";
      case "pcm" -> "audio/pcm";
      default -> "audio/mpeg";
    };
  }

  static void transcription(FakeExchange ex, MultipartForm form) throws IOException {
    MultipartForm.Part file = form == null ? null : form.get("file");
    if (file == null || form.get("model") == null) {
      ex.sendError(400, "'file' and 'model' are required form fields", Map.of());
      return;
    }
    String text = "heard " + file.data().length + " bytes";
    MultipartForm.Part formatPart = form.get("response_format");
    String format = formatPart == null ? "verbose_json" : formatPart.text();
    switch (format) {
      case "text", "srt", "vtt" -> ex.sendBytes(200, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
      case "json" -> ex.sendJson(200, FakeExchange.JSON.createObjectNode().put("text", text), Map.of());
      default -> ex.sendJson(200, verbose(text), Map.of());
    }
  }

  private static ObjectNode verbose(String text) {
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    root.put("task", "transcribe").put("language", "english").put("duration", 1.0).put("text", text);
    root.putArray("segments").addObject().put("id", 0).put("seek", 0).put("start", 0.0).put("end", 1.0)
        .put("text", text).put("temperature", 0.0).put("avg_logprob", -0.1).put("compression_ratio", 1.0)
        .put("no_speech_prob", 0.0);
    ArrayNode words = root.putArray("words");
    String[] split = text.split(" ");
    for (int i = 0; i < split.length; i++) {
      words.addObject().put("word", split[i]).put("start", (double) i / split.length).put("end", (double) (i + 1) / split.length);
    }
    return root;
  }

  static void images(FakeExchange ex) throws IOException {
    JsonNode req = ex.json();
    if (!req.path("prompt").isTextual()) {
      ex.sendError(400, "'prompt' is a required property", Map.of());
      return;
    }
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    root.put("created", System.currentTimeMillis() / 1000);
    ArrayNode data = root.putArray("data");
    for (int i = 0; i < Math.max(1, req.path("n").asInt(1)); i++) {
      data.addObject().put("b64_json", PNG_1X1).put("revised_prompt", req.get("prompt").asText());
    }
    ex.sendJson(200, root, Map.of());
  }
}
