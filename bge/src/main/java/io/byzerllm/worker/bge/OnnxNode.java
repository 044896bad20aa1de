package io.byzerllm.worker.bge;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The parts of an ONNX NodeProto that reading and rewriting a graph need: names, operands, and a Constant's int64 scalar. */
record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs, Long intValue) {
  private static final int INT64 = 7;

  static OnnxNode read(ByteBuffer bytes) {
    ProtoReader r = new ProtoReader(bytes);
    String name = "";
    String op = "";
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    Long value = null;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> inputs.add(r.string());
        case 2 -> outputs.add(r.string());
        case 3 -> name = r.string();
        case 4 -> op = r.string();
        case 5 -> value = attributeInt(r.bytes());
        default -> r.skip();
      }
    }
    return new OnnxNode(name, op, inputs, outputs, value);
  }

  /** An AttributeProto's tensor value when it holds exactly one int64, else null. */
  private static Long attributeInt(ByteBuffer bytes) {
    ProtoReader a = new ProtoReader(bytes);
    Long value = null;
    while (a.next()) {
      if (a.field() == 5) {
        value = scalarInt64(a.bytes());
      } else {
        a.skip();
      }
    }
    return value;
  }

  private static Long scalarInt64(ByteBuffer bytes) {
    ProtoReader t = new ProtoReader(bytes);
    List<Long> dims = new ArrayList<>();
    List<Long> ints = new ArrayList<>();
    long type = 0;
    ByteBuffer raw = null;
    while (t.next()) {
      switch (t.field()) {
        case 1 -> t.varints(dims);
        case 2 -> type = t.varint();
        case 7 -> t.varints(ints);
        case 9 -> raw = t.bytes();
        default -> t.skip();
      }
    }
    if (type != INT64 || dims.stream().anyMatch(d -> d != 1)) {
      return null;
    }
    if (raw != null && raw.remaining() == 8) {
      return raw.getLong(0);
    }
    return ints.size() == 1 ? ints.get(0) : null;
  }
}
