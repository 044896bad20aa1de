package io.byzerllm.client.prompt.tools;

import java.util.Map;

/** What runs when the model calls a tool: its arguments as the model gave them (JSON values), the result. */
@FunctionalInterface
public interface ToolFunction {
  /**
   * Runs the tool. Throw {@link IllegalArgumentException} for arguments that cannot be used; any
   * exception is reported in {@link FunctionCallResponse#reason()} and nothing is returned for that call.
   */
  Object apply(Map<String, Object> arguments) throws Exception;
}
