package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static io.byzerllm.server.NodeCalls.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.FakeUpstream;
import io.byzerllm.testkit.RecordedRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every chat provider behind a node must do, through the node's OpenAI-shaped HTTP API, against
 * the provider's own wire-format fake: chat with usage and finish_reason, stream, vision, native
 * tool calls both ways, reasoning_content, its error shapes as OpenAI-shaped errors, and a clear
 * 400 for a capability the model type lacks. A subclass registers a {@link ProviderNode} for its
 * provider (deployed with {@code saas.max_retries=0}) and says what differs.
 */
abstract class ProviderNodeContract {
  static final String MODEL = "prov";
  static final String TOOLS = """
      [{"type": "function", "function": {"name": "mul", "description": "multiplies two numbers",
        "parameters": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                       "required": ["a", "b"]}}}]""";

  abstract ProviderNode<?> node();

  abstract FakeUpstream<?> fake();

  /** Text the provider's error for this status carries beyond the message, e.g. {@code rate_limit_error}. */
  abstract String providerErrorType(int status);

  @BeforeEach
  void reset() {
    fake().reasoning(null);
    fake().clearRequests();
  }

  @Test
  void chat_plain_answersOpenAiShapedWithUsageAndFinishReason() throws Exception {
    HttpResponse<String> r = node().calls().post("/v1/chat/completions", chat(MODEL, "hello there node", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode answer = json(r);
    assertThat(answer.path("object").asText()).isEqualTo("chat.completion");
    assertThat(answer.path("model").asText()).isEqualTo(MODEL);
    assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("echo: hello there node");
    assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(answer.at("/usage/prompt_tokens").asInt()).isEqualTo(3);
    assertThat(answer.at("/usage/completion_tokens").asInt()).isEqualTo(4);
    assertThat(answer.at("/usage/total_tokens").asInt()).isEqualTo(7);
  }

  @Test
  void stream_plain_answersChunksThenUsageThenDone() throws Exception {
    String body = """
        {"model": "prov", "stream": true, "stream_options": {"include_usage": true},
         "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "one two three"}]}""";

    HttpResponse<String> r = node().calls().post("/v1/chat/completions", body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: one two three");
    List<String> events = sseData(r.body());
    assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
    assertThat(events.stream().filter(e -> e.contains("\"finish_reason\":\"stop\"")).count()).isEqualTo(1);
    JsonNode usage = NodeCalls.JSON.readTree(events.get(events.size() - 2)).path("usage");
    assertThat(usage.path("completion_tokens").asInt()).isEqualTo(4);
    assertThat(usage.path("prompt_tokens").asInt()).isPositive();
  }

  @Test
  void chat_dataUrlImage_reachesTheProviderAsItsImageShape() throws Exception {
    String body = """
        {"model": "prov", "messages": [{"role": "user", "content": [
          {"type": "text", "text": "what is this"},
          {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}]}""";

    HttpResponse<String> r = node().calls().post("/v1/chat/completions", body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: what is this [images: 1]");
    assertThat(fake().lastRequest().body()).contains("iVBORw0KGgo=");
  }

  @Test
  void chat_tools_modelCallsOneAndTheResultGoesBack() throws Exception {
    fake().replyToolCall("mul", "{\"a\":6,\"b\":7}");
    String ask = "{\"model\": \"prov\", \"tools\": " + TOOLS
        + ", \"messages\": [{\"role\": \"user\", \"content\": \"what is 6*7\"}]}";

    HttpResponse<String> first = node().calls().post("/v1/chat/completions", ask);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonNode message = json(first).at("/choices/0/message");
    assertThat(json(first).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    JsonNode call = message.at("/tool_calls/0");
    assertThat(call.at("/function/name").asText()).isEqualTo("mul");
    assertThat(NodeCalls.JSON.readTree(call.at("/function/arguments").asText()).path("a").asInt()).isEqualTo(6);

    String answer = "{\"model\": \"prov\", \"tools\": " + TOOLS + ", \"messages\": ["
        + "{\"role\": \"user\", \"content\": \"what is 6*7\"},"
        + "{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [" + call + "]},"
        + "{\"role\": \"tool\", \"tool_call_id\": \"" + call.path("id").asText() + "\", \"content\": \"42\"}]}";
    HttpResponse<String> second = node().calls().post("/v1/chat/completions", answer);

    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(content(second)).startsWith("echo: result").contains("42");
  }

  @Test
  void stream_toolCall_arrivesAsOpenAiToolCallDeltas() throws Exception {
    fake().replyToolCall("mul", "{\"a\":6,\"b\":7}");
    String ask = "{\"model\": \"prov\", \"stream\": true, \"tools\": " + TOOLS
        + ", \"messages\": [{\"role\": \"user\", \"content\": \"what is 6*7\"}]}";

    HttpResponse<String> r = node().calls().post("/v1/chat/completions", ask);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    StringBuilder arguments = new StringBuilder();
    String name = null;
    String finish = null;
    for (String data : sseData(r.body())) {
      if (data.equals("[DONE]")) {
        continue;
      }
      JsonNode choice = NodeCalls.JSON.readTree(data).at("/choices/0");
      for (JsonNode fragment : choice.at("/delta/tool_calls")) {
        name = fragment.at("/function/name").isTextual() ? fragment.at("/function/name").asText() : name;
        arguments.append(fragment.at("/function/arguments").asText(""));
      }
      finish = choice.path("finish_reason").isTextual() ? choice.get("finish_reason").asText() : finish;
    }
    assertThat(name).isEqualTo("mul");
    assertThat(NodeCalls.JSON.readTree(arguments.toString()).path("b").asInt()).isEqualTo(7);
    assertThat(finish).isEqualTo("tool_calls");
  }

  @Test
  void chat_reasoning_comesOutAsReasoningContent() throws Exception {
    fake().reasoning("let me think");

    HttpResponse<String> r = node().calls().post("/v1/chat/completions", chat(MODEL, "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).at("/choices/0/message/reasoning_content").asText()).isEqualTo("let me think");
    assertThat(json(r).at("/choices/0/message/content").asText()).isEqualTo("echo: hi");
  }

  @Test
  void chat_providerRateLimit_is429WithRetryAfterAndTheProvidersMessage() throws Exception {
    fake().failNext(429, "slow down please", Map.of("Retry-After", "3"));

    HttpResponse<String> r = node().calls().post("/v1/chat/completions", chat(MODEL, "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    JsonNode error = json(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
    assertThat(error.path("message").asText()).contains(providerErrorType(429)).contains("slow down please");
  }

  @Test
  void chat_providerBadRequest_is400WithTheProvidersMessage() throws Exception {
    fake().failNext(400, "the request is not valid here");

    HttpResponse<String> r = node().calls().post("/v1/chat/completions", chat(MODEL, "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains(providerErrorType(400))
        .contains("the request is not valid here");
  }

  @Test
  void stream_providerServerError_is502BeforeTheFirstByte() throws Exception {
    fake().failNext(500, "internal trouble");

    HttpResponse<String> r = node().calls().post("/v1/chat/completions", chat(MODEL, "hi", true));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("upstream_error");
    assertThat(json(r).at("/error/message").asText()).contains("internal trouble");
  }

  @Test
  void stream_providerFailsMidStream_endsWithAnErrorEvent() throws Exception {
    fake().failMidStreamNext("went away");

    HttpResponse<String> r = node().calls().post("/v1/chat/completions", chat(MODEL, "one two three four five", true));

    List<String> events = sseData(r.body());
    assertThat(events).anySatisfy(e -> assertThat(e).contains("\"error\"").contains("went away"));
    assertThat(events).noneSatisfy(e -> assertThat(e).contains("\"finish_reason\":\"stop\""));
  }

  @Test
  void models_listsTheTypesCapabilities() throws Exception {
    HttpResponse<String> r = node().calls().get("/v1/models");

    JsonNode model = null;
    for (JsonNode m : json(r).path("data")) {
      if (m.path("id").asText().equals(MODEL)) {
        model = m;
      }
    }
    assertThat(model).as(r.body()).isNotNull();
    assertThat(model.path("capabilities").toString()).contains("\"chat\"").contains("\"stream\"").contains("\"vision\"");
    assertThat(model.path("capabilities").toString()).doesNotContain("speech");
  }

  @Test
  void speech_modelCannotSpeak_is400NamingWhatItCanDo() throws Exception {
    HttpResponse<String> r = node().calls().post("/v1/audio/speech",
        "{\"model\": \"prov\", \"input\": \"hello\", \"voice\": \"alloy\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("cannot do speech").contains("chat, stream");
    assertThat(fake().requests()).isEmpty();
  }

  /** The last request's recorded body, for provider-specific asserts. */
  RecordedRequest sent() {
    return fake().lastRequest();
  }
}
