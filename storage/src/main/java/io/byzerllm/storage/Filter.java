package io.byzerllm.storage;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.List;

/**
 * A filter restricts every search path: it never scores and never makes a keyword optional. JSON:
 * {@code {"and":[..]}}, {@code {"or":[..]}}, {@code {"field":f,"value":v}}, {@code {"field":f,"min":a,"max":b}}.
 * An empty {@code and} matches every row, an empty {@code or} none.
 */
public sealed interface Filter {
  record And(List<Filter> all) implements Filter {
    public And {
      all = all == null ? List.of() : List.copyOf(all);
    }
  }

  record Or(List<Filter> any) implements Filter {
    public Or {
      any = any == null ? List.of() : List.copyOf(any);
    }
  }

  record Equals(String field, Object value) implements Filter {
    public Equals {
      requireField(field);
      if (value == null) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, "filter on field '" + field + "' needs a value");
      }
    }
  }

  /** Inclusive at both ends; a null end is open. */
  record Range(String field, Object min, Object max) implements Filter {
    public Range {
      requireField(field);
      if (min == null && max == null) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, "range filter on field '" + field + "' needs min, max or both");
      }
    }
  }

  static And and(Filter... all) {
    return new And(List.of(all));
  }

  static Or or(Filter... any) {
    return new Or(List.of(any));
  }

  static Equals eq(String field, Object value) {
    return new Equals(field, value);
  }

  static Range range(String field, Object min, Object max) {
    return new Range(field, min, max);
  }

  private static void requireField(String field) {
    if (field == null || field.isBlank()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "a filter condition needs a field name");
    }
  }
}
