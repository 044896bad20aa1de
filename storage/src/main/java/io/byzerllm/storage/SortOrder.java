package io.byzerllm.storage;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.Locale;

/** JSON: "asc", "desc". */
public enum SortOrder {
  ASC, DESC;

  @JsonValue
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static SortOrder fromJson(String name) {
    for (SortOrder o : values()) {
      if (o.jsonName().equalsIgnoreCase(name)) {
        return o;
      }
    }
    throw new LlmException(ErrorKind.INVALID_REQUEST, "unknown sort order '" + name + "'; use asc or desc");
  }
}
