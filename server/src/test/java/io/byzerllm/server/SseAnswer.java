package io.byzerllm.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * A streamed chat answer as a caller reads it: the {@code chat.completion.chunk} events put back
 * together (text, reasoning, the finish reason, the usage chunk) and whether it ended with {@code [DONE]}.
 */
record SseAnswer(String content, String reasoning, String finishReason, JsonNode usage, boolean done, int chunks) {

  static SseAnswer of(HttpResponse<String> r) {
    List<String> events = NodeCalls.sseData(r.body());
    StringBuilder content = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    String finish = null;
    JsonNode usage = null;
    int chunks = 0;
    for (String data : events) {
      if (data.equals("[DONE]")) {
        continue;
      }
      JsonNode chunk;
      try {
        chunk = NodeCalls.JSON.readTree(data);
      } catch (IOException e) {
        throw new UncheckedIOException("an SSE event is not JSON: " + data, e);
      }
      chunks++;
      JsonNode choice = chunk.path("choices").path(0);
      content.append(choice.at("/delta/content").asText(""));
      reasoning.append(choice.at("/delta/reasoning_content").asText(""));
      if (choice.path("finish_reason").isTextual()) {
        finish = choice.get("finish_reason").asText();
      }
      if (chunk.path("usage").isObject()) {
        usage = chunk.get("usage");
      }
    }
    boolean done = !events.isEmpty() && events.get(events.size() - 1).equals("[DONE]");
    return new SseAnswer(content.toString(), reasoning.toString(), finish, usage, done, chunks);
  }
}
