package io.byzerllm.storage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.Locale;

/**
 * How a field is indexed. Options combine: an ANALYZE field is also stored and returned; SORT adds doc values
 * and is needed to sort on the field; NO_INDEX keeps the value stored and returned but not searchable or filterable.
 * JSON: "analyze", "sort", "no_index".
 */
public enum FieldOption {
  ANALYZE, SORT, NO_INDEX;

  @JsonValue
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static FieldOption fromJson(String name) {
    for (FieldOption o : values()) {
      if (o.jsonName().equalsIgnoreCase(name)) {
        return o;
      }
    }
    throw new LlmException(ErrorKind.INVALID_REQUEST,
        "unknown field option '" + name + "'; use one of analyze, sort, no_index");
  }
}
