package io.byzerllm.client.prompt.tools;

import java.util.LinkedHashMap;
import java.util.Map;

/** One call the model asked for: the tool's name and its arguments as JSON values. */
public record ToolCall(String name, Map<String, Object> arguments) {
  public ToolCall {
    name = name == null ? "" : name;
    arguments = arguments == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
  }
}
