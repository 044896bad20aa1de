package io.byzerllm.worker.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class EmbeddingJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Unit-length vectors like BGE's, plus the values whose text form is awkward: tiny, negative zero, extremes. */
  private static List<float[]> vectors() {
    Random random = new Random(42);
    float[] a = new float[512];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) random.nextGaussian() / 22.6f;
    }
    float[] b = {0.1f, -0.0f, 1e-38f, Float.MIN_VALUE, -Float.MAX_VALUE, 1f / 3, 123456.79f, 0f};
    return List.of(a, b);
  }

  private static EmbeddingResult result() {
    return new EmbeddingResult(vectors(), new Usage(7, 0), 1, null);
  }

  @Test
  void write_base64_decodesToExactlyTheFloatAnswer() throws Exception {
    JsonNode floats = JSON.readTree(EmbeddingJson.write("emb", result(), false));
    JsonNode base64 = JSON.readTree(EmbeddingJson.write("emb", result(), true));

    for (int i = 0; i < 2; i++) {
      float[] fromText = floats(floats.at("/data/" + i + "/embedding"));
      float[] fromBase64 = decode(base64.at("/data/" + i + "/embedding").asText());
      assertThat(fromBase64).containsExactly(fromText);
      assertThat(fromText).containsExactly(vectors().get(i));
    }
    assertThat(Float.floatToRawIntBits(decode(base64.at("/data/1/embedding").asText())[1]))
        .isEqualTo(Float.floatToRawIntBits(-0.0f));
  }

  @Test
  void write_floats_openAiShapeWithUsageAndIndexes() throws Exception {
    JsonNode body = JSON.readTree(EmbeddingJson.write("emb", result(), false));

    assertThat(body.path("object").asText()).isEqualTo("list");
    assertThat(body.path("model").asText()).isEqualTo("emb");
    assertThat(body.path("data").findValuesAsText("index")).containsExactly("0", "1");
    assertThat(body.path("data").findValuesAsText("object")).containsExactly("embedding", "embedding");
    assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(7);
    assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(7);
    assertThat(body.at("/usage/truncated_inputs").asInt()).isEqualTo(1);
    assertThat(body.at("/data/1/embedding/0").asText()).isEqualTo("0.1");
  }

  @Test
  void littleEndian_oneFloat_bytesLowFirst() {
    assertThat(EmbeddingJson.littleEndian(new float[] {1f})).containsExactly(0x00, 0x00, 0x80, 0x3f);
    assertThat(Base64.getEncoder().encodeToString(EmbeddingJson.littleEndian(new float[] {1f, -2f})))
        .isEqualTo("AACAPwAAAMA=");
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).floatValue();
    }
    return out;
  }

  private static float[] decode(String base64) {
    ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[buf.remaining() / 4];
    buf.asFloatBuffer().get(out);
    return out;
  }
}
