package io.byzerllm.client.prompt.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.byzerllm.client.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * byzerllm's function-calling prompt for models without native tools (§3.8): a system message that
 * explains the FUNCTION_CALLING ability with one worked example, and the last user message rewritten
 * to list the tools' JSON, the optional forced tool, the user's input, and the JSON Schema of the
 * expected {@code {"tool_calls": [{"function": {"name", "arguments"}}]}} answer.
 */
final class FunctionCallingPrompt {
  static final String CALL_LIST_SCHEMA = """
      {
        "type": "object",
        "properties": {
          "id": {"type": "string", "description": "本次调用的唯一标识"},
          "type": {"type": "string", "enum": ["function"]},
          "tool_calls": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "function": {
                  "type": "object",
                  "properties": {
                    "name": {"type": "string", "description": "要调用的工具名称"},
                    "arguments": {"type": "object", "description": "工具的参数，键为参数名"}
                  },
                  "required": ["name", "arguments"]
                }
              },
              "required": ["function"]
            }
          }
        },
        "required": ["id", "type", "tool_calls"]
      }""";

  static final String ABILITY = """
      你具备以下基础能力：

      FUNCTION_CALLING：用户会提供一组工具（函数），每个工具有名称（name）、描述（description）和参数（parameters）。\
      参数使用 JSON Schema（OpenAPI 3.1 的一个子集）描述。你需要理解用户的问题，选择最合适的工具，\
      并按给定的 JSON Schema 输出调用信息（只输出 JSON，不要直接回答问题）。

      示例：
      工具：
      ```json
      [{"name": "compute_date_range", "description": "计算日期范围",
        "parameters": {"type": "object", "properties": {
          "count": {"type": "integer", "description": "时间跨度，数值类型"},
          "unit": {"type": "string", "description": "时间单位，字符串类型", "enum": ["day", "week", "month", "year"]}},
          "required": ["count", "unit"]}}]
      ```
      输入：最近三个月趋势
      输出：
      ```json
      {"id": "call_1", "type": "function", "tool_calls": [{"function": {"name": "compute_date_range", "arguments": {"count": 3, "unit": "month"}}}]}
      ```""";

  private FunctionCallingPrompt() {}

  /** The conversation the model receives: the ability system message, earlier turns, the rewritten question. */
  static List<Object> conversation(List<?> conversations, List<ToolSpec> tools, String toolChoice) {
    if (conversations.isEmpty()) {
      throw new IllegalArgumentException("conversations is empty; pass at least the user's question");
    }
    List<Object> out = new ArrayList<>();
    int first = 0;
    String system = ABILITY;
    Object head = conversations.get(0);
    if ("system".equals(role(head))) {
      system = ABILITY + "\n\n" + content(head);
      first = 1;
    }
    out.add(Message.system(system));
    out.addAll(conversations.subList(first, conversations.size() - 1));
    Object last = conversations.get(conversations.size() - 1);
    if (first == conversations.size()) {
      throw new IllegalArgumentException("conversations holds only a system message; add the user's question");
    }
    out.add(Message.user(question(content(last), tools, toolChoice)));
    return out;
  }

  static String question(String input, List<ToolSpec> tools, String toolChoice) {
    ArrayNode json = JsonNodeFactory.instance.arrayNode();
    tools.forEach(t -> json.add(t.toJson()));
    StringBuilder q = new StringBuilder("请使用 FUNCTION_CALLING 相关的能力，解决用户的问题。\n\n你可以使用的工具：\n\n```json\n")
        .append(json.toPrettyString()).append("\n```\n\n");
    if (toolChoice != null) {
      q.append("你必须使用如下的工具：").append(toolChoice).append("\n\n");
    }
    q.append("输入：").append(input).append("\n\nJSON Schema：\n\n```json\n").append(CALL_LIST_SCHEMA)
        .append("\n```\n\n输出:");
    return q.toString();
  }

  private static String role(Object message) {
    if (message instanceof Message m) {
      return m.role();
    }
    return message instanceof Map<?, ?> map ? String.valueOf(map.get("role")) : "";
  }

  private static String content(Object message) {
    if (message instanceof Message m) {
      if (m.text() == null) {
        throw new IllegalArgumentException("function calling needs a text question, not content parts");
      }
      return m.text();
    }
    if (message instanceof Map<?, ?> map && map.get("content") instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("a conversation item is a Message or a Map with role and text content (got "
        + message + ")");
  }

  static Map<String, Object> copy(Map<String, Object> config) {
    return config == null ? new LinkedHashMap<>() : new LinkedHashMap<>(config);
  }
}
