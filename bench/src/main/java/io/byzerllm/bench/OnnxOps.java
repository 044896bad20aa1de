package io.byzerllm.bench;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads the operator type of each node of an ONNX model's main graph straight from its protobuf
 * bytes (ModelProto.graph = 7, GraphProto.node = 1, NodeProto.op_type = 4), without a protobuf library.
 */
final class OnnxOps {
  private OnnxOps() {}

  static void forEachOpType(byte[] model, Consumer<String> out) {
    int[] graph = field(model, 0, model.length, 7);
    if (graph == null) {
      throw new IllegalArgumentException("not an ONNX model: no graph");
    }
    int pos = graph[0];
    while (pos < graph[1]) {
      long key = varint(model, pos);
      pos = next;
      int number = (int) (key >>> 3);
      int wire = (int) (key & 7);
      int[] value = skip(model, pos, wire);
      if (number == 1 && wire == 2) {
        int[] op = field(model, value[0], value[1], 4);
        if (op != null) {
          out.accept(new String(model, op[0], op[1] - op[0], StandardCharsets.UTF_8));
        }
      }
      pos = value[2];
    }
  }

  /** The first length-delimited field {@code number} in [from, to): {start, end}, or null. */
  private static int[] field(byte[] b, int from, int to, int number) {
    int pos = from;
    while (pos < to) {
      long key = varint(b, pos);
      pos = next;
      int wire = (int) (key & 7);
      int[] value = skip(b, pos, wire);
      if ((int) (key >>> 3) == number && wire == 2) {
        return new int[] {value[0], value[1]};
      }
      pos = value[2];
    }
    return null;
  }

  /** {payload start, payload end, next field} of a value of {@code wire} type at pos. */
  private static int[] skip(byte[] b, int pos, int wire) {
    return switch (wire) {
      case 0 -> {
        varint(b, pos);
        yield new int[] {pos, next, next};
      }
      case 1 -> new int[] {pos, pos + 8, pos + 8};
      case 2 -> {
        int length = (int) varint(b, pos);
        int start = next;
        yield new int[] {start, start + length, start + length};
      }
      case 5 -> new int[] {pos, pos + 4, pos + 4};
      default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wire + " at " + pos);
    };
  }

  /** Position after the last varint read (the reader is single-threaded, used by one bench). */
  private static int next;

  private static long varint(byte[] b, int pos) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b[pos++];
      value |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        next = pos;
        return value;
      }
    }
  }
}
