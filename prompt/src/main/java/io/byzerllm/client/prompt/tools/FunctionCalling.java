package io.byzerllm.client.prompt.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.type.TypeReference;
import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.LLMResponse;
import io.byzerllm.client.prompt.extract.JsonExtractor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Function calling, byzerllm's {@code chat_oai(tools=[...], execute_tool=True)}: the model picks tools
 * and their arguments, the chosen Java functions run, and their results come back as
 * {@link FunctionCallResponse#values()}.
 *
 * <pre>{@code
 * var tools = Tools.from(new DateTools());
 * FunctionCallResponse r = FunctionCalling.chat(llm, List.of(Message.user("最近三个月趋势")), tools);
 * r.values();              // [[2024-03-14 15:19:13, 2024-06-14 15:19:13]]
 * r.selectedFunctions();   // [compute_date_range]
 * }</pre>
 *
 * <p>{@link #chat} works with any chat model: it prompts with the tools' JSON Schemas and reads the
 * answer tolerantly (byzerllm's own approach). {@link #chatNative} uses the provider's {@code tools}
 * instead. Neither throws when the model chose badly: {@link FunctionCallResponse#reason()} says why
 * nothing (or not everything) ran. Failures of the call itself throw as {@code chatOai} does.
 */
public final class FunctionCalling {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private FunctionCalling() {}

  /** Prompts with the tools, runs the chosen ones. */
  public static FunctionCallResponse chat(ByzerLLM llm, List<?> conversations, List<ToolSpec> tools) {
    return chat(llm, conversations, tools, true, null, Map.of());
  }

  /** Prompts with the tools; runs the chosen ones only when {@code executeTool} (byzerllm's {@code execute_tool}). */
  public static FunctionCallResponse chat(ByzerLLM llm, List<?> conversations, List<ToolSpec> tools,
      boolean executeTool) {
    return chat(llm, conversations, tools, executeTool, null, Map.of());
  }

  /**
   * Prompts with the tools; runs the chosen ones when {@code executeTool}. {@code toolChoice} (a tool name or
   * null) forces that tool. {@code llmConfig} is {@code chatOai}'s.
   */
  public static FunctionCallResponse chat(ByzerLLM llm, List<?> conversations, List<ToolSpec> tools,
      boolean executeTool, String toolChoice, Map<String, Object> llmConfig) {
    requireTools(tools);
    List<Object> prompt = FunctionCallingPrompt.conversation(conversations, tools, toolChoice);
    LLMResponse response = llm.chatOai(prompt, FunctionCallingPrompt.copy(llmConfig)).get(0);
    Optional<List<ToolCall>> calls = parseCalls(response.output());
    if (calls.isEmpty() || calls.get().isEmpty()) {
      return new FunctionCallResponse(response, List.of(), List.of(),
          "the answer holds no tool call (expected {\"tool_calls\": [{\"function\": {\"name\", \"arguments\"}}]}): "
              + abbreviate(response.output()));
    }
    return executeTool ? execute(response, calls.get(), tools)
        : new FunctionCallResponse(response, calls.get(), List.of(), "");
  }

  /** Sends the tools as the provider's native {@code tools} and runs the {@code tool_calls} it returns. */
  public static FunctionCallResponse chatNative(ByzerLLM llm, List<?> conversations, List<ToolSpec> tools) {
    requireTools(tools);
    Map<String, Object> config = FunctionCallingPrompt.copy(null);
    config.put("tools", tools.stream().map(ToolSpec::toOpenAiTool).toList());
    LLMResponse response = llm.chatOai(conversations, config).get(0);
    List<ToolCall> calls = new ArrayList<>();
    for (Map<String, Object> call : response.toolCalls()) {
      if (call.get("function") instanceof Map<?, ?> fn) {
        calls.add(new ToolCall(String.valueOf(fn.get("name")), arguments(fn.get("arguments"))));
      }
    }
    if (calls.isEmpty()) {
      return new FunctionCallResponse(response, List.of(), List.of(),
          "the model called no tool; it answered: " + abbreviate(response.output()));
    }
    return execute(response, calls, tools);
  }

  /** The calls in a model's answer: a {@code tool_calls} object, a list of them (the last wins), or one bare call. */
  public static Optional<List<ToolCall>> parseCalls(String answer) {
    Optional<JsonNode> parsed = JsonExtractor.extractNode(answer);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    JsonNode node = parsed.get();
    if (node.isArray() && !node.isEmpty()) {
      node = node.get(node.size() - 1);
    }
    List<ToolCall> calls = new ArrayList<>();
    JsonNode list = node.has("tool_calls") ? node.get("tool_calls") : null;
    if (list == null && (node.has("function") || node.has("name"))) {
      list = JsonExtractor.LENIENT.createArrayNode().add(node);
    }
    if (list == null) {
      return Optional.empty();
    }
    for (JsonNode item : list) {
      JsonNode fn = item.has("function") ? item.get("function") : item;
      JsonNode args = fn.path("arguments");
      Object arguments = args.isTextual() ? args.asText() : JsonExtractor.LENIENT.convertValue(args, Object.class);
      calls.add(new ToolCall(fn.path("name").asText(""), arguments(arguments)));
    }
    return Optional.of(calls);
  }

  private static FunctionCallResponse execute(LLMResponse response, List<ToolCall> calls, List<ToolSpec> tools) {
    Map<String, ToolSpec> byName = tools.stream().collect(Collectors.toMap(ToolSpec::name, t -> t, (a, b) -> a));
    List<Object> values = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (ToolCall call : calls) {
      ToolSpec tool = byName.get(call.name());
      if (tool == null) {
        problems.add("the model chose '" + call.name() + "', which is not one of the tools " + byName.keySet());
        continue;
      }
      try {
        values.add(tool.function().apply(call.arguments()));
      } catch (IllegalArgumentException e) {
        problems.add("bad arguments for " + call.name() + " " + call.arguments() + ": " + e.getMessage());
      } catch (Exception e) {
        problems.add(call.name() + " failed: " + e);
      }
    }
    return new FunctionCallResponse(response, calls, values, String.join("; ", problems));
  }

  private static Map<String, Object> arguments(Object raw) {
    if (raw instanceof Map<?, ?> map) {
      return JsonExtractor.LENIENT.convertValue(map, MAP);
    }
    if (raw instanceof String s && !s.isBlank()) {
      return JsonExtractor.extractNode(s).filter(JsonNode::isObject)
          .map(n -> JsonExtractor.LENIENT.convertValue(n, MAP)).orElse(Map.of());
    }
    return Map.of();
  }

  private static void requireTools(List<ToolSpec> tools) {
    if (tools == null || tools.isEmpty()) {
      throw new IllegalArgumentException("tools is empty; pass at least one (Tools.from(...) or ToolSpec.of(...))");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
