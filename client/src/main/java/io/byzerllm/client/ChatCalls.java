package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /v1/chat/completions}, blocking, async and streamed, with byzerllm's metadata. */
final class ChatCalls {
  private final Transport transport;

  ChatCalls(Transport transport) {
    this.transport = transport;
  }

  List<LLMResponse> chat(Map<String, Object> body) {
    long start = System.nanoTime();
    String answer = transport.call(transport.postJson("/v1/chat/completions", body));
    return List.of(response(body, Json.tree(answer), start));
  }

  CompletableFuture<List<LLMResponse>> chatAsync(Map<String, Object> body) {
    long start = System.nanoTime();
    return transport.callAsync(transport.postJson("/v1/chat/completions", body))
        .thenApply(answer -> List.of(response(body, Json.tree(answer), start)));
  }

  ChatStream stream(Map<String, Object> body, boolean deltaMode) {
    long start = System.nanoTime();
    HttpRequest request = transport.request("/v1/chat/completions").header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
    return new ChatStream(new ServerSentEvents(transport.open(request)), deltaMode, start, transport);
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
    if (message.path("tool_calls").isArray() && !message.path("tool_calls").isEmpty()) {
      meta.put("tool_calls", Json.MAPPER.convertValue(message.path("tool_calls"), List.class));
    }
    return new LLMResponse(message.path("content").asText(""), body, meta);
  }
}
