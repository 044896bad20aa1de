package io.byzerllm.client;

import java.util.Locale;

/**
 * The type of a {@link ByzerStorage} field, byzerllm's {@code DataType}. A vector is an array of
 * {@link #FLOAT} ({@link SchemaBuilder#addArrayField}).
 */
public enum DataType {
  STRING, LONG, FLOAT, DOUBLE, BOOLEAN;

  /** The name on the wire: {@code "string"}, {@code "long"}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
