package io.byzerllm.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One answer of {@link ByzerLLM#chatOai}, shaped as byzerllm's {@code LLMResponse}: the {@code output}
 * text, the {@code input} request that was sent (as a map), and {@code metadata} with byzerllm's keys:
 *
 * <ul>
 *   <li>{@code request_id} (String): the node's request id, also the completion's {@code id};</li>
 *   <li>{@code input_tokens_count}, {@code generated_tokens_count} (Integer): the usage the provider reported;</li>
 *   <li>{@code time_cost} (Double): <b>seconds</b> from sending the request to the whole answer, as
 *       byzerllm's SaaS backends report it (its vLLM backend used milliseconds; we never do);</li>
 *   <li>{@code first_token_time} (Double): always 0 for a non-streamed call, as in byzerllm;</li>
 *   <li>{@code speed} (Double): generated tokens per second;</li>
 *   <li>{@code finish_reason} (String): {@code stop}, {@code length}, {@code tool_calls}, ...;</li>
 *   <li>{@code reasoning_content} (String): a reasoning model's thinking, empty when none;</li>
 *   <li>{@code tool_calls} (List of maps, only when the model called tools): the raw OpenAI tool calls;</li>
 *   <li>{@code thinking_blocks} (List of maps, only when the provider sent them, e.g. Claude with
 *       thinking on): signed thinking and redacted blocks, in LiteLLM's shape.</li>
 * </ul>
 *
 * <p>A tool loop goes on with {@link #toAssistantMessage()} and the tools' results as {@code tool}
 * messages; the assistant message carries the thinking blocks back unchanged, as Claude requires.
 */
public record LLMResponse(String output, Map<String, Object> input, Map<String, Object> metadata) {
  public LLMResponse {
    output = output == null ? "" : output;
    input = input == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(input));
    metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  public String requestId() {
    return String.valueOf(metadata.getOrDefault("request_id", ""));
  }

  public String finishReason() {
    Object v = metadata.get("finish_reason");
    return v == null ? "" : v.toString();
  }

  public String reasoningContent() {
    Object v = metadata.get("reasoning_content");
    return v == null ? "" : v.toString();
  }

  public int inputTokensCount() {
    return metadata.get("input_tokens_count") instanceof Number n ? n.intValue() : 0;
  }

  public int generatedTokensCount() {
    return metadata.get("generated_tokens_count") instanceof Number n ? n.intValue() : 0;
  }

  /** Seconds the call took (byzerllm's {@code time_cost}). */
  public double timeCost() {
    return metadata.get("time_cost") instanceof Number n ? n.doubleValue() : 0;
  }

  /** The OpenAI {@code tool_calls} of the answer as raw maps; empty when the model called no tool. */
  public List<Map<String, Object>> toolCalls() {
    return listed("tool_calls");
  }

  /** The answer's thinking blocks as raw maps (signatures and redacted data included); empty when none came. */
  public List<Map<String, Object>> thinkingBlocks() {
    return listed("thinking_blocks");
  }

  /**
   * This answer as the assistant message that continues its conversation: the text, and the tool
   * calls and thinking blocks as they came (a provider checks that they come back unchanged).
   */
  public Map<String, Object> toAssistantMessage() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", "assistant");
    m.put("content", output);
    if (!toolCalls().isEmpty()) {
      m.put("tool_calls", toolCalls());
    }
    if (!thinkingBlocks().isEmpty()) {
      m.put("thinking_blocks", thinkingBlocks());
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> listed(String key) {
    return metadata.get(key) instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }
}
