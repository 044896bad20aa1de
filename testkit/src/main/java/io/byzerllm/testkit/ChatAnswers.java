package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Chat completions as OpenAI documents them: one JSON answer, or {@code chat.completion.chunk} SSE events. */
final class ChatAnswers {
  private static final AtomicLong IDS = new AtomicLong();

  private ChatAnswers() {}

  /** What to answer: the content, optional reasoning, and whether the stream breaks after two deltas. */
  record Plan(String content, String reasoning, Script.ToolCall toolCall, String midStreamError, Duration chunkDelay) {
    String finishReason() {
      return toolCall == null ? "stop" : "tool_calls";
    }

    /** What the answer counts as completion text: the content, or the call's arguments. */
    String completionText() {
      return toolCall == null ? content : toolCall.arguments();
    }
  }

  /** What a scripted chat answers: the queued reply, tool call or mid-stream failure, else the echo of the request. */
  static Plan plan(JsonNode request, Script script, String reasoning, Duration chunkDelay) {
    String content = script instanceof Script.Reply r ? r.content() : defaultContent(request);
    String midStream = script instanceof Script.FailMidStream f ? f.message() : null;
    Script.ToolCall tool = script instanceof Script.ToolCall t ? t : null;
    return new Plan(tool == null ? content : "", reasoning, tool, midStream, chunkDelay);
  }

  static String defaultContent(JsonNode request) {
    return "echo: " + lastUserText(request.path("messages"));
  }

  static void answer(FakeExchange ex, Plan plan) throws IOException, InterruptedException {
    JsonNode request = ex.json();
    if (request.path("stream").asBoolean(false)) {
      stream(ex, request, plan);
    } else {
      ex.sendJson(200, completion(request, plan), Map.of());
    }
  }

  private static ObjectNode completion(JsonNode request, Plan plan) {
    ObjectNode root = envelope(request, "chat.completion");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (plan.toolCall() == null) {
      message.put("content", plan.content());
    } else {
      message.putNull("content");
      ObjectNode call = toolCall(plan.toolCall(), plan.toolCall().arguments(), true);
      call.remove("index"); // only stream fragments carry an index
      message.putArray("tool_calls").add(call);
    }
    if (plan.reasoning() != null) {
      message.put("reasoning_content", plan.reasoning());
    }
    choice.put("finish_reason", plan.finishReason());
    root.set("usage", usage(request, plan.completionText()));
    return root;
  }

  private static void stream(FakeExchange ex, JsonNode request, Plan plan) throws IOException, InterruptedException {
    ObjectNode template = envelope(request, "chat.completion.chunk");
    List<ObjectNode> deltas = new ArrayList<>();
    if (plan.reasoning() != null) {
      for (String piece : pieces(plan.reasoning())) {
        deltas.add(FakeExchange.JSON.createObjectNode().put("reasoning_content", piece));
      }
    }
    if (plan.toolCall() == null) {
      for (String piece : pieces(plan.content())) {
        deltas.add(FakeExchange.JSON.createObjectNode().put("content", piece));
      }
    } else {
      deltas.addAll(toolCallDeltas(plan.toolCall()));
    }
    ObjectNode first = FakeExchange.JSON.createObjectNode().put("role", "assistant");
    first.setAll(deltas.get(0));
    deltas.set(0, first);
    ex.startEvents();
    int sent = 0;
    for (ObjectNode delta : deltas) {
      if (plan.midStreamError() != null && sent == 2) {
        ex.sendEvent(FakeExchange.error(500, plan.midStreamError()));
        return;
      }
      pause(plan.chunkDelay(), sent);
      ex.sendEvent(withLogprobs(chunk(template, delta, null), request, delta));
      sent++;
    }
    if (plan.midStreamError() != null) {
      ex.sendEvent(FakeExchange.error(500, plan.midStreamError()));
      return;
    }
    pause(plan.chunkDelay(), sent);
    ex.sendEvent(chunk(template, FakeExchange.JSON.createObjectNode(), plan.finishReason()));
    if (request.path("stream_options").path("include_usage").asBoolean(false)) {
      ObjectNode last = template.deepCopy();
      last.putArray("choices");
      last.set("usage", usage(request, plan.completionText()));
      ex.sendEvent(last);
    }
    ex.sendDone();
  }

  /** The first delta names the function; the arguments follow in fragments of at most 8 characters. */
  private static List<ObjectNode> toolCallDeltas(Script.ToolCall call) {
    List<ObjectNode> out = new ArrayList<>();
    ObjectNode first = FakeExchange.JSON.createObjectNode();
    first.putArray("tool_calls").add(toolCall(call, "", true));
    out.add(first);
    String args = call.arguments();
    for (int i = 0; i < args.length(); i += 8) {
      ObjectNode d = FakeExchange.JSON.createObjectNode();
      d.putArray("tool_calls").add(toolCall(call, args.substring(i, Math.min(args.length(), i + 8)), false));
      out.add(d);
    }
    return out;
  }

  static ObjectNode toolCall(Script.ToolCall call, String arguments, boolean head) {
    ObjectNode item = FakeExchange.JSON.createObjectNode().put("index", 0);
    if (head) {
      item.put("id", "call_fake_0").put("type", "function");
    }
    ObjectNode fn = item.putObject("function");
    if (head) {
      fn.put("name", call.name());
    }
    fn.put("arguments", arguments);
    return item;
  }

  static void pause(Duration delay, int sent) throws InterruptedException {
    if (sent > 0 && !delay.isZero()) {
      Thread.sleep(delay.toMillis()); // simulates a slow upstream; this runs on the fake's own thread
    }
  }

  private static ObjectNode chunk(ObjectNode template, ObjectNode delta, String finishReason) {
    ObjectNode chunk = template.deepCopy();
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    if (finishReason == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finishReason);
    }
    return chunk;
  }

  /**
   * A chunk with its choice's {@code logprobs} as OpenAI documents them, when the request asked for
   * them ({@code "logprobs": true}): one entry per token of the delta's content.
   */
  private static ObjectNode withLogprobs(ObjectNode chunk, JsonNode request, ObjectNode delta) {
    if (request.path("logprobs").asBoolean(false) && delta.path("content").isTextual()) {
      String token = delta.get("content").asText();
      ObjectNode entry = FakeExchange.JSON.createObjectNode().put("token", token).put("logprob", -0.25);
      ArrayNode bytes = entry.putArray("bytes");
      for (byte b : token.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        bytes.add(b & 0xff);
      }
      entry.putArray("top_logprobs");
      ((ObjectNode) chunk.path("choices").path(0)).putObject("logprobs").putArray("content").add(entry);
    }
    return chunk;
  }

  private static ObjectNode envelope(JsonNode request, String object) {
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    root.put("id", "chatcmpl-fake-" + IDS.incrementAndGet());
    root.put("object", object);
    root.put("created", System.currentTimeMillis() / 1000);
    root.put("model", request.path("model").asText("fake-model"));
    return root;
  }

  private static ObjectNode usage(JsonNode request, String answer) {
    int prompt = 0;
    for (JsonNode m : request.path("messages")) {
      prompt += words(text(m.path("content")));
    }
    int completion = words(answer);
    ObjectNode usage = FakeExchange.JSON.createObjectNode();
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", prompt + completion);
    return usage;
  }

  /** Splits text into word-sized pieces that concatenate back to it (each keeps its leading space). */
  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 1; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1))) {
        out.add(text.substring(start, i));
        start = i;
      }
    }
    out.add(text.substring(start));
    return out;
  }

  /** Whitespace-separated words, counted without a regex: this runs on every request of a benchmark. */
  static int words(String text) {
    int count = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      boolean space = Character.isWhitespace(text.charAt(i));
      if (!space && !inWord) {
        count++;
      }
      inWord = !space;
    }
    return count;
  }

  private static String lastUserText(JsonNode messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if ("user".equals(messages.get(i).path("role").asText())) {
        return text(messages.get(i).path("content"));
      }
    }
    return "";
  }

  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    if (content instanceof ArrayNode parts) {
      for (JsonNode part : parts) {
        if (part.has("text")) {
          sb.append(sb.length() == 0 ? "" : " ").append(part.get("text").asText());
        }
      }
    }
    return sb.toString();
  }
}
