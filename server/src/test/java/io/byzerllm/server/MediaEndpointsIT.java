package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.JSON;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.testkit.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Embeddings, speech, transcription, images and vision through the node, as OpenAI's wire format has them. */
class MediaEndpointsIT {
  @RegisterExtension static final SaasNode NODE = SaasNode.deploying("media", 1, 4).upstream(u -> u.embeddingDimension(6));
  private static final String PNG_1X1 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

  @BeforeEach
  void forgetRequests() {
    NODE.upstream().clearRequests();
  }

  @Test
  void embeddings_floatAndBase64_decodeToTheSameNumbersInInputOrder() throws Exception {
    NODE.upstream().reverseEmbeddingOrder(true); // the provider's items arrive last index first
    try {
      String body = "{\"model\": \"media\", \"input\": [\"alpha\", \"beta gamma\", \"delta\"]%s}";

      HttpResponse<String> floats = NODE.calls().post("/v1/embeddings", body.formatted(""));
      HttpResponse<String> base64 = NODE.calls().post("/v1/embeddings", body.formatted(", \"encoding_format\": \"base64\""));
      HttpResponse<String> beta = NODE.calls().post("/v1/embeddings", "{\"model\": \"media\", \"input\": \"beta gamma\"}");

      assertThat(floats.statusCode()).as(floats.body()).isEqualTo(200);
      assertThat(base64.statusCode()).as(base64.body()).isEqualTo(200);
      JsonNode f = json(floats);
      JsonNode b = json(base64);
      assertThat(f.path("object").asText()).isEqualTo("list");
      assertThat(f.path("data").findValuesAsText("index")).containsExactly("0", "1", "2");
      for (int i = 0; i < 3; i++) {
        float[] asFloats = floats(f.path("data").get(i).path("embedding"));
        assertThat(asFloats).hasSize(6);
        assertThat(decode(b.path("data").get(i).path("embedding").asText())).containsExactly(asFloats);
      }
      assertThat(floats(f.path("data").get(1).path("embedding"))).containsExactly(floats(json(beta).at("/data/0/embedding")));
      assertThat(floats(f.path("data").get(0).path("embedding"))).isNotEqualTo(floats(f.path("data").get(1).path("embedding")));
      assertThat(f.at("/usage/prompt_tokens").asInt()).isEqualTo(4);
      assertThat(f.at("/usage/total_tokens").asInt()).isEqualTo(4);
      assertThat(f.path("model").asText()).isEqualTo("media");
    } finally {
      NODE.upstream().reverseEmbeddingOrder(false);
    }
  }

  @Test
  void speech_text_answersTheProvidersBytesAndContentType() throws Exception {
    HttpResponse<byte[]> r = NODE.calls().send(NODE.calls().request("/v1/audio/speech").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"media\", \"input\": \"good morning\", \"voice\": \"nova\","
            + " \"response_format\": \"wav\"}")), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("audio/wav");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:nova:good morning");
  }

  @Test
  void transcription_multipartWithoutFormat_verboseJsonWithSegmentsAndWords() throws Exception {
    String boundary = "byzerllm-media-it-boundary";
    byte[] audio = "RIFF-not-really-a-wav-but-twenty-nine".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream form = new ByteArrayOutputStream();
    form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nmedia\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hello.wav\"\r\n"
        + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    form.writeBytes(audio);
    form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> r = NODE.calls().send(NODE.calls().request("/v1/audio/transcriptions")
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray())), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    String heard = "heard " + audio.length + " bytes";
    assertThat(body.path("text").asText()).isEqualTo(heard);
    assertThat(body.at("/segments/0/text").asText()).isEqualTo(heard);
    assertThat(body.path("words").findValuesAsText("word")).containsExactly("heard", String.valueOf(audio.length), "bytes");
    RecordedRequest sent = lastRequest("/audio/transcriptions");
    assertThat(sent.body()).contains("verbose_json").contains("timestamp_granularities[]").contains("segment").contains("word");
  }

  @Test
  void images_prompt_b64JsonOfThePng() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/images/generations", "{\"model\": \"media\", \"prompt\": \"a red dot\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode image = json(r).at("/data/0");
    assertThat(image.path("b64_json").asText()).isEqualTo(PNG_1X1);
    assertThat(Base64.getDecoder().decode(image.path("b64_json").asText())).startsWith(0x89, 'P', 'N', 'G');
    assertThat(image.path("revised_prompt").asText()).isEqualTo("a red dot");
    assertThat(lastRequest("/images/generations").json().path("response_format").asText()).isEqualTo("b64_json");
  }

  @Test
  void chat_openAiImageParts_reachTheProviderAsTheSameParts() throws Exception {
    ObjectNode body = JSON.createObjectNode().put("model", "media");
    JsonNode parts = JSON.readTree("[{\"type\": \"text\", \"text\": \"what is this?\"},"
        + " {\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64," + PNG_1X1 + "\"}}]");
    body.putArray("messages").addObject().put("role", "user").set("content", parts);

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", body.toString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: what is this?");
    assertThat(lastRequest("/chat/completions").json().at("/messages/0/content")).isEqualTo(parts);
  }

  @Test
  void chat_byzerllmImageJsonContent_convertedToOpenAiParts() throws Exception {
    String byzer = "[{\"image\": \"data:image/png;base64," + PNG_1X1 + "\"}, {\"text\": \"what is this?\"}]";
    ObjectNode body = JSON.createObjectNode().put("model", "media");
    body.putArray("messages").addObject().put("role", "user").put("content", byzer);

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", body.toString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode sent = lastRequest("/chat/completions").json().at("/messages/0/content");
    assertThat(sent).isEqualTo(JSON.readTree("[{\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64,"
        + PNG_1X1 + "\"}}, {\"type\": \"text\", \"text\": \"what is this?\"}]"));
  }

  @Test
  void chat_byzerllmSpeechConvention_contentIsBase64OfTheAudio() throws Exception {
    ObjectNode body = JSON.createObjectNode().put("model", "media");
    body.putArray("messages").addObject().put("role", "user").put("content", "{\"input\": \"hi\", \"voice\": \"alloy\"}");

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", body.toString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    byte[] audio = Base64.getDecoder().decode(content(r));
    assertThat(new String(audio, StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:alloy:hi");
    assertThat(lastRequest("/audio/speech").json().path("input").asText()).isEqualTo("hi");
  }

  private static RecordedRequest lastRequest(String pathEnd) {
    List<RecordedRequest> matching = new ArrayList<>();
    NODE.upstream().requests().stream().filter(r -> r.path().endsWith(pathEnd)).forEach(matching::add);
    assertThat(matching).as("requests to " + pathEnd).isNotEmpty();
    return matching.get(matching.size() - 1);
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  private static float[] decode(String base64) {
    ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[buf.remaining() / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = buf.getFloat();
    }
    return out;
  }
}
