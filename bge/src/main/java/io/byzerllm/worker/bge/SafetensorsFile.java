package io.byzerllm.worker.bge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * HuggingFace's safetensors format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw data. Reads F32 (as views of a file mapping),
 * F16 and BF16 (widened to float32); writes F32.
 */
record SafetensorsFile(Map<String, FloatTensor> tensors, Map<String, String> metadata) {
  private static final ObjectMapper JSON = new ObjectMapper();

  SafetensorsFile {
    tensors = Map.copyOf(tensors);
    metadata = Map.copyOf(metadata);
  }

  static SafetensorsFile read(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer all = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
      int headerLength = Math.toIntExact(all.getLong(0));
      byte[] header = new byte[headerLength];
      all.get(8, header);
      JsonNode root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
      Map<String, FloatTensor> tensors = new HashMap<>();
      Map<String, String> metadata = new HashMap<>();
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        if (e.getKey().equals("__metadata__")) {
          e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
        } else {
          tensors.put(e.getKey(), tensor(e.getKey(), e.getValue(), all, 8 + headerLength, file));
        }
      }
      return new SafetensorsFile(tensors, metadata);
    } catch (IOException | ArithmeticException e) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "cannot read the safetensors file " + file + ": " + e.getMessage(), e);
    }
  }

  private static FloatTensor tensor(String name, JsonNode spec, ByteBuffer all, int dataStart, Path file) {
    long[] shape = new long[spec.get("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = spec.get("shape").get(i).asLong();
    }
    int begin = dataStart + spec.get("data_offsets").get(0).asInt();
    int end = dataStart + spec.get("data_offsets").get(1).asInt();
    ByteBuffer bytes = all.slice(begin, end - begin).order(ByteOrder.LITTLE_ENDIAN);
    String dtype = spec.get("dtype").asText();
    FloatBuffer data = switch (dtype) {
      case "F32" -> bytes.asFloatBuffer();
      case "F16", "BF16" -> widen(bytes, dtype.equals("BF16"));
      default -> throw new LlmException(ErrorKind.INVALID_REQUEST, "tensor " + name + " in " + file + " has dtype "
          + dtype + "; only F32, F16 and BF16 weights are supported");
    };
    return new FloatTensor(name, shape, data);
  }

  private static FloatBuffer widen(ByteBuffer bytes, boolean bfloat16) {
    float[] out = new float[bytes.remaining() / 2];
    for (int i = 0; i < out.length; i++) {
      short bits = bytes.getShort(i * 2);
      out[i] = bfloat16 ? Float.intBitsToFloat((bits & 0xffff) << 16) : halfToFloat(bits);
    }
    return FloatBuffer.wrap(out);
  }

  /** IEEE 754 binary16 to float (Java 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short half) {
    int sign = (half >>> 15) & 1;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    float value;
    if (exponent == 0) {
      value = (float) (mantissa * Math.pow(2, -24));
    } else if (exponent == 31) {
      value = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else {
      value = Float.intBitsToFloat(((exponent - 15 + 127) << 23) | (mantissa << 13));
    }
    return sign == 1 ? -value : value;
  }

  /** Writes float32 tensors and string metadata; the file appears atomically. */
  static void write(Path file, Collection<FloatTensor> tensors, Map<String, String> metadata) {
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    long offset = 0;
    for (FloatTensor t : tensors) {
      ObjectNode spec = header.putObject(t.name());
      spec.put("dtype", "F32");
      var shape = spec.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      spec.putArray("data_offsets").add(offset).add(offset + t.elements() * 4);
      offset += t.elements() * 4;
    }
    try {
      byte[] json = JSON.writeValueAsBytes(header);
      Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".part");
      try {
        writeTo(temp, json, tensors);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void writeTo(Path file, byte[] json, Collection<FloatTensor> tensors) throws IOException {
    int padded = (json.length + 7) / 8 * 8;
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
      head.putLong(padded).put(json);
      while (head.hasRemaining()) {
        head.put((byte) ' ');
      }
      writeFully(out, head.flip());
      for (FloatTensor t : tensors) {
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(t.elements() * 4)).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(t.data().duplicate());
        writeFully(out, data);
      }
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      out.write(data);
    }
  }
}
