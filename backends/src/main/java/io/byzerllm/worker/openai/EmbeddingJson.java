package io.byzerllm.worker.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.byzerllm.worker.EmbeddingResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The body of a {@code /v1/embeddings} answer, written straight from the float arrays with a
 * streaming generator: no JSON tree with a node per float. {@code base64} is OpenAI's encoding, the
 * vector's float32 values little-endian, encoded from the array without an intermediate string.
 */
public final class EmbeddingJson {
  /** Shortest round-tripping decimal for each float, without {@code Float.toString}'s slower path. */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
  /** A float as text is at most 15 characters plus its comma; base64 takes 4 characters per 3 bytes. */
  private static final int FLOAT_CHARS = 16;
  private static final int ITEM_OVERHEAD = 64;

  private EmbeddingJson() {}

  public static byte[] write(String model, EmbeddingResult r, boolean base64) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(estimatedSize(r, base64));
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (int i = 0; i < r.vectors().size(); i++) {
        float[] v = r.vectors().get(i);
        g.writeStartObject();
        g.writeStringField("object", "embedding");
        g.writeNumberField("index", i);
        g.writeFieldName("embedding");
        if (base64) {
          g.writeBinary(littleEndian(v)); // Jackson's default variant: standard alphabet, padded, no line breaks
        } else {
          g.writeStartArray(v, v.length);
          for (float f : v) {
            g.writeNumber(f); // as a float: widened to double it would print float32 noise digits
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("model", model);
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", r.usage().promptTokens());
      g.writeNumberField("total_tokens", r.usage().totalTokens());
      g.writeNumberField("truncated_inputs", r.truncatedInputs());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an embeddings answer", e); // a byte array never fails to take bytes
    }
    return out.toByteArray();
  }

  /** The floats as OpenAI's base64 payload carries them: IEEE 754 float32, little-endian. */
  static byte[] littleEndian(float[] v) {
    byte[] bytes = new byte[v.length * 4];
    for (int i = 0, b = 0; i < v.length; i++, b += 4) {
      int bits = Float.floatToRawIntBits(v[i]);
      bytes[b] = (byte) bits;
      bytes[b + 1] = (byte) (bits >>> 8);
      bytes[b + 2] = (byte) (bits >>> 16);
      bytes[b + 3] = (byte) (bits >>> 24);
    }
    return bytes;
  }

  private static int estimatedSize(EmbeddingResult r, boolean base64) {
    long size = 128;
    for (float[] v : r.vectors()) {
      size += ITEM_OVERHEAD + (base64 ? (v.length * 4L + 2) / 3 * 4 : (long) v.length * FLOAT_CHARS);
    }
    return (int) Math.min(size, 64L << 20);
  }
}
