package io.byzerllm.client.prompt.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/**
 * One tool the model may call: its name, what it does, its parameters as a JSON Schema object, and the
 * function that runs it. Build one by hand with {@link #of}, or from annotated methods with {@link Tools#from}.
 */
public record ToolSpec(String name, String description, ObjectNode parameters, ToolFunction function) {
  public ToolSpec {
    if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("tool name must be 1-64 letters, digits, '_' or '-' (got '" + name + "')");
    }
    description = description == null ? "" : description;
    parameters = parameters == null ? emptyObject() : parameters.deepCopy();
    Objects.requireNonNull(function, "function");
  }

  public static ToolSpec of(String name, String description, ObjectNode parameters, ToolFunction function) {
    return new ToolSpec(name, description, parameters, function);
  }

  /** byzerllm's {@code serialize_function_to_json}: {@code {"name", "description", "parameters"}}. */
  public ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("name", name);
    out.put("description", description);
    out.set("parameters", parameters.deepCopy());
    return out;
  }

  /** The OpenAI {@code tools[]} entry: {@code {"type": "function", "function": {...}}}. */
  public Map<String, Object> toOpenAiTool() {
    ObjectNode tool = JsonNodeFactory.instance.objectNode();
    tool.put("type", "function");
    tool.set("function", toJson());
    return io.byzerllm.client.prompt.extract.JsonExtractor.LENIENT.convertValue(tool,
        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
  }

  private static ObjectNode emptyObject() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("type", "object");
    o.putObject("properties");
    return o;
  }
}
