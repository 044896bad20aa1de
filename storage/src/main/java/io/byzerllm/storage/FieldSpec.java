package io.byzerllm.storage;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.EnumSet;
import java.util.Set;

/**
 * One field of a table. {@code array = true} is allowed only for FLOAT and makes the field a vector (cosine
 * similarity; its dimension is fixed by the first vector written). A vector takes no options.
 */
public record FieldSpec(String name, DataType type, boolean array, Set<FieldOption> options) {
  public FieldSpec {
    if (name == null || name.isBlank()) {
      throw invalid("a field needs a non-blank name");
    }
    if (name.startsWith("__") || name.equals(Store.SCORE)) {
      throw invalid("field name '" + name + "' is reserved (names starting with '__' and '_score'); rename the field");
    }
    if (type == null) {
      throw invalid("field '" + name + "' needs a type: string, long, float, double or boolean");
    }
    options = options == null || options.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(options));
    if (array && type != DataType.FLOAT) {
      throw invalid("field '" + name + "' is an array of " + type.jsonName() + "; only float arrays (vectors) are supported");
    }
    if (array && !options.isEmpty()) {
      throw invalid("vector field '" + name + "' takes no options, got " + options);
    }
    if (options.contains(FieldOption.ANALYZE) && type != DataType.STRING) {
      throw invalid("field '" + name + "' is " + type.jsonName() + "; only string fields can be analyzed");
    }
    if (options.contains(FieldOption.ANALYZE) && options.contains(FieldOption.NO_INDEX)) {
      throw invalid("field '" + name + "' cannot be both analyze and no_index; choose one");
    }
  }

  public static FieldSpec of(String name, DataType type, FieldOption... options) {
    return new FieldSpec(name, type, false, options.length == 0 ? Set.of() : Set.of(options));
  }

  public static FieldSpec vector(String name) {
    return new FieldSpec(name, DataType.FLOAT, true, Set.of());
  }

  @JsonIgnore
  public boolean isVector() {
    return array;
  }

  public boolean has(FieldOption option) {
    return options.contains(option);
  }

  private static LlmException invalid(String message) {
    return new LlmException(ErrorKind.INVALID_REQUEST, message);
  }
}
