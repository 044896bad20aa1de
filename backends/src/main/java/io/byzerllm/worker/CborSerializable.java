package io.byzerllm.worker;

/** Marker for messages that cross nodes; bound to Jackson CBOR in {@code reference.conf}. */
public interface CborSerializable {}
