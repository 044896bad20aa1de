package io.byzerllm.worker.bge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf's wire format from a buffer, one field at a time: just enough to walk an ONNX
 * model's graph without the protobuf runtime and generated classes. Length-delimited fields come
 * back as slices of the same buffer, so nothing is copied.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final ByteBuffer buffer;
  private int field;
  private int wireType;

  ProtoReader(ByteBuffer buffer) {
    this.buffer = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Advances to the next field; false at the end of the message. */
  boolean next() {
    if (!buffer.hasRemaining()) {
      return false;
    }
    long key = readVarint();
    field = (int) (key >>> 3);
    wireType = (int) (key & 7);
    return true;
  }

  int field() {
    return field;
  }

  int wireType() {
    return wireType;
  }

  long varint() {
    return readVarint();
  }

  ByteBuffer bytes() {
    int length = Math.toIntExact(readVarint());
    ByteBuffer slice = buffer.slice();
    slice.limit(length);
    buffer.position(buffer.position() + length);
    return slice.order(ByteOrder.LITTLE_ENDIAN);
  }

  String string() {
    ByteBuffer b = bytes();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return new String(out, StandardCharsets.UTF_8);
  }

  long fixed64() {
    return buffer.getLong();
  }

  int fixed32() {
    return buffer.getInt();
  }

  /** Skips the current field's value, whatever its wire type. */
  void skip() {
    switch (wireType) {
      case VARINT -> readVarint();
      case FIXED64 -> buffer.position(buffer.position() + 8);
      case LENGTH_DELIMITED -> bytes();
      case FIXED32 -> buffer.position(buffer.position() + 4);
      default -> throw new IllegalStateException("unsupported protobuf wire type " + wireType + " for field " + field);
    }
  }

  /** Reads a packed repeated varint field (or a single unpacked element) into {@code out}. */
  void varints(java.util.List<Long> out) {
    if (wireType == VARINT) {
      out.add(readVarint());
      return;
    }
    ProtoReader packed = new ProtoReader(bytes());
    while (packed.buffer.hasRemaining()) {
      out.add(packed.readVarint());
    }
  }

  private long readVarint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = buffer.get();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalStateException("malformed protobuf varint");
  }
}
