package io.byzerllm.storage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.Locale;

/** The type of a table field. A FLOAT field with {@code array = true} is a vector. JSON: "string", "long", ... */
public enum DataType {
  STRING, LONG, FLOAT, DOUBLE, BOOLEAN;

  @JsonValue
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static DataType fromJson(String name) {
    for (DataType t : values()) {
      if (t.jsonName().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new LlmException(ErrorKind.INVALID_REQUEST,
        "unknown field type '" + name + "'; use one of string, long, float, double, boolean (vectors: float with array=true)");
  }
}
