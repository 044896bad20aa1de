package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.client.internal.Gateway;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Chat completions, blocking, async and streamed, read into byzerllm's shapes and metadata. */
final class ChatCalls {
  private final Gateway gateway;

  ChatCalls(Gateway gateway) {
    this.gateway = gateway;
  }

  List<LLMResponse> chat(Map<String, Object> body) {
    long start = System.nanoTime();
    return List.of(response(body, gateway.chat(body), start));
  }

  CompletableFuture<List<LLMResponse>> chatAsync(Map<String, Object> body) {
    long start = System.nanoTime();
    return gateway.chatAsync(body).thenApply(answer -> List.of(response(body, answer, start)));
  }

  ChatStream stream(Map<String, Object> body, boolean deltaMode) {
    long start = System.nanoTime();
    return new ChatStream(gateway.streamChat(body), deltaMode, start);
  }

  private static LLMResponse response(Map<String, Object> body, JsonNode completion, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    JsonNode choice = completion.path("choices").path(0);
    JsonNode message = choice.path("message");
    int generated = completion.path("usage").path("completion_tokens").asInt(0);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("request_id", completion.path("id").asText(""));
    meta.put("input_tokens_count", completion.path("usage").path("prompt_tokens").asInt(0));
    meta.put("generated_tokens_count", generated);
    meta.put("time_cost", seconds);
    meta.put("first_token_time", 0.0);
    meta.put("speed", seconds > 0 ? generated / seconds : 0.0);
    meta.put("finish_reason", choice.path("finish_reason").asText(""));
    meta.put("reasoning_content", message.path("reasoning_content").asText(""));
    for (String listed : List.of("tool_calls", "thinking_blocks")) {
      if (message.path(listed).isArray() && !message.path(listed).isEmpty()) {
        meta.put(listed, Json.MAPPER.convertValue(message.path(listed), List.class));
      }
    }
    return new LLMResponse(message.path("content").asText(""), body, meta);
  }
}
