package io.byzerllm.client.prompt.tools;

import io.byzerllm.client.LLMResponse;
import java.util.List;

/**
 * The answer of {@link FunctionCalling#chat}, byzerllm's {@code LLMFunctionCallResponse}: the model's raw
 * {@code response}, the {@code calls} it asked for, the {@code values} the tools returned (one per call
 * that ran, in order), and {@code reason}: empty when every call ran, otherwise why something did not
 * (no tool call in the answer, an unknown tool name, bad arguments, the tool threw).
 */
public record FunctionCallResponse(LLMResponse response, List<ToolCall> calls, List<Object> values, String reason) {
  public FunctionCallResponse {
    calls = List.copyOf(calls);
    values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values)); // a tool may return null
    reason = reason == null ? "" : reason;
  }

  /** The names of the tools the model chose, in order (byzerllm's {@code selected_functions}). */
  public List<String> selectedFunctions() {
    return calls.stream().map(ToolCall::name).toList();
  }

  /** Whether every requested call ran. */
  public boolean succeeded() {
    return reason.isEmpty() && !calls.isEmpty();
  }
}
