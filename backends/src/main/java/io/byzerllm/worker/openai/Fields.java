package io.byzerllm.worker.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reading typed fields out of a request body, each failure a 400 that names the field. */
public final class Fields {
  private Fields() {}

  public static String requiredString(ObjectNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      throw new InvalidFieldException(name, "'" + name + "' is required");
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new InvalidFieldException(name, "'" + name + "' must be a non-empty string");
    }
    return v.asText();
  }

  /** A string field that may be absent or null (then null); any other type is a 400 that names it. */
  public static String optionalString(ObjectNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidFieldException(name, "'" + name + "' must be a string");
    }
    return v.asText();
  }

  public static Integer optionalPositiveInt(ObjectNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber() && !(v.isTextual() && v.asText().matches("\\d+"))
        || v.asInt() < 1) {
      throw new InvalidFieldException(name, "'" + name + "' must be a whole number >= 1 (got " + v + ")");
    }
    return v.asInt();
  }

  public static Double optionalNumber(ObjectNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw new InvalidFieldException(name, "'" + name + "' must be a number (got " + v + ")");
    }
    return v.asDouble();
  }

  public static boolean optionalBoolean(ObjectNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new InvalidFieldException(name, "'" + name + "' must be true or false (got " + v + ")");
    }
    return v.asBoolean();
  }
}
