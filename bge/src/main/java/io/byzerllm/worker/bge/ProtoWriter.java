package io.byzerllm.worker.bge;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes protobuf's wire format, the counterpart of {@link ProtoReader}: fields appended in the order
 * given, nested messages as the bytes of another writer. Enough to rewrite an ONNX graph.
 */
final class ProtoWriter {
  private final ByteArrayOutputStream out;

  ProtoWriter() {
    this(256);
  }

  ProtoWriter(int capacity) {
    this.out = new ByteArrayOutputStream(capacity);
  }

  ProtoWriter varint(int field, long value) {
    key(field, ProtoReader.VARINT);
    writeVarint(value);
    return this;
  }

  ProtoWriter bytes(int field, byte[] value) {
    key(field, ProtoReader.LENGTH_DELIMITED);
    writeVarint(value.length);
    out.write(value, 0, value.length);
    return this;
  }

  ProtoWriter bytes(int field, ByteBuffer value) {
    ByteBuffer b = value.duplicate();
    key(field, ProtoReader.LENGTH_DELIMITED);
    writeVarint(b.remaining());
    if (b.hasArray()) {
      out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    } else {
      byte[] copy = new byte[b.remaining()];
      b.get(copy);
      out.write(copy, 0, copy.length);
    }
    return this;
  }

  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  /** Copies the reader's current field unchanged (the reader moves past it). */
  ProtoWriter copy(ProtoReader r) {
    switch (r.wireType()) {
      case ProtoReader.VARINT -> varint(r.field(), r.varint());
      case ProtoReader.LENGTH_DELIMITED -> bytes(r.field(), r.bytes());
      case ProtoReader.FIXED64 -> {
        key(r.field(), ProtoReader.FIXED64);
        long v = r.fixed64();
        for (int i = 0; i < 8; i++) {
          out.write((int) (v >>> (8 * i)) & 0xff);
        }
      }
      case ProtoReader.FIXED32 -> {
        key(r.field(), ProtoReader.FIXED32);
        int v = r.fixed32();
        for (int i = 0; i < 4; i++) {
          out.write((v >>> (8 * i)) & 0xff);
        }
      }
      default -> throw new IllegalStateException("unsupported protobuf wire type " + r.wireType());
    }
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void key(int field, int wireType) {
    writeVarint(((long) field << 3) | wireType);
  }

  private void writeVarint(long value) {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
