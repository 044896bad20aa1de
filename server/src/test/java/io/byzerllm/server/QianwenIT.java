package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.JSON;
import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.testkit.FakeDashScopeServer;
import io.byzerllm.testkit.RecordedRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** saas/qianwen and saas/qianwen_vl through a node, on DashScope's native API: chat, stream, embeddings, vision, errors. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class QianwenIT {
  private static final String KEY = "sk-dashscope-8c2e4a6f1b3d5e7a";
  private static final String PNG_1X1 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  @RegisterExtension static final ProviderNode<FakeDashScopeServer> NODE =
      ProviderNode.of(() -> FakeDashScopeServer.start().requireApiKey(KEY).embeddingDimension(4))
          .deploying(u -> ProviderNode.deployment("qwen", "saas/qianwen", 1, 4, Map.of("saas.api_key", KEY,
              "saas.base_url", u.baseUrl(), "saas.model", "qwen-max", "saas.max_retries", "0")))
          .deploying(u -> ProviderNode.deployment("qwen_emb", "saas/qianwen", 1, 4, Map.of("saas.api_key", KEY,
              "saas.base_url", u.baseUrl(), "saas.model", "text-embedding-v2")))
          .deploying(u -> ProviderNode.deployment("qwen_vl", "saas/qianwen_vl", 1, 4, Map.of("saas.api_key", KEY,
              "saas.base_url", u.baseUrl(), "saas.model", "qwen-vl-max")));

  @Test
  void chat_qianwenWithGenParams_topKAndEnableSearchReachDashScopeParameters() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", """
        {"model": "qwen", "max_length": 128, "gen.top_k": "5", "gen.enable_search": "true",
         "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "你好 千问"}]}""");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: 你好 千问");
    assertThat(json(r).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(json(r).at("/usage/prompt_tokens").asInt()).isEqualTo(4);
    assertThat(NODE.upstream().lastRequest().path()).isEqualTo("/api/v1/services/aigc/text-generation/generation");
    JsonNode p = NODE.upstream().lastRequest().json().path("parameters");
    assertThat(p.path("top_k").isInt()).isTrue();
    assertThat(p.path("top_k").asInt()).isEqualTo(5);
    assertThat(p.path("enable_search").isBoolean()).isTrue();
    assertThat(p.path("max_tokens").asInt()).isEqualTo(128);
    assertThat(NODE.upstream().lastRequest().json().path("model").asText()).isEqualTo("qwen-max");
  }

  @Test
  void chat_qianwenWithTools_toolCallsComeBackOpenAiShaped() throws Exception {
    NODE.upstream().replyToolCall("get_weather", "{\"city\":\"杭州\"}");

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", """
        {"model": "qwen", "messages": [{"role": "user", "content": "杭州天气?"}],
         "tools": [{"type": "function", "function": {"name": "get_weather",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]}""");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(json(r).at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(json(r).at("/choices/0/message/tool_calls/0/function/arguments").asText()).isEqualTo("{\"city\":\"杭州\"}");
    assertThat(NODE.upstream().lastRequest().json().at("/parameters/tools/0/function/name").asText()).isEqualTo("get_weather");
  }

  @Test
  void stream_qianwen_dashScopeSseBecomesChunksWithUsageFinishAndDone() throws Exception {
    NODE.upstream().reasoning("first I think");
    try {
      HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", """
          {"model": "qwen", "stream": true, "stream_options": {"include_usage": true},
           "messages": [{"role": "user", "content": "stream me a story"}]}""");

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      SseAnswer a = SseAnswer.of(r);
      assertThat(a.content()).isEqualTo("echo: stream me a story");
      assertThat(a.reasoning()).isEqualTo("first I think");
      assertThat(a.finishReason()).isEqualTo("stop");
      assertThat(a.usage().path("completion_tokens").asInt()).isEqualTo(5);
      assertThat(a.done()).isTrue();
      assertThat(NODE.upstream().lastRequest().header("X-DashScope-SSE")).isEqualTo("enable");
    } finally {
      NODE.upstream().reasoning(null);
    }
  }

  @Test
  void embeddings_thirtyTexts_twoDashScopeCallsVectorsInInputOrder() throws Exception {
    ObjectNode body = JSON.createObjectNode().put("model", "qwen_emb");
    ArrayNode input = body.putArray("input");
    for (int i = 0; i < 30; i++) {
      input.add("sentence " + i);
    }

    HttpResponse<String> all = NODE.calls().post("/v1/embeddings", body.toString());
    HttpResponse<String> one = NODE.calls().post("/v1/embeddings", "{\"model\": \"qwen_emb\", \"input\": \"sentence 29\"}");

    assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
    JsonNode data = json(all).path("data");
    assertThat(data).hasSize(30);
    assertThat(data.get(29).path("embedding")).isEqualTo(json(one).at("/data/0/embedding"));
    assertThat(data.get(0).path("embedding")).isNotEqualTo(data.get(1).path("embedding"));
    List<RecordedRequest> sent = NODE.upstream().requests();
    assertThat(sent).hasSize(3);
    assertThat(sent.get(0).json().at("/input/texts")).hasSize(25);
    assertThat(sent.get(1).json().at("/input/texts")).hasSize(5);
  }

  @Test
  void chat_qianwenVl_dataUrlAndHttpImagesReachDashScopeAsImageItems() throws Exception {
    ObjectNode body = JSON.createObjectNode().put("model", "qwen_vl");
    JsonNode parts = JSON.readTree("[{\"type\": \"text\", \"text\": \"what is in them?\"},"
        + " {\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64," + PNG_1X1 + "\"}},"
        + " {\"type\": \"image_url\", \"image_url\": {\"url\": \"https://example.com/dog.jpg\"}}]");
    body.putArray("messages").addObject().put("role", "user").set("content", parts);

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", body.toString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: what is in them?");
    assertThat(NODE.upstream().lastRequest().path()).isEqualTo("/api/v1/services/aigc/multimodal-generation/generation");
    assertThat(NODE.upstream().lastRequest().json().at("/input/messages/0/content")).isEqualTo(JSON.readTree("[{\"text\": \"what is in them?\"},"
        + " {\"image\": \"data:image/png;base64," + PNG_1X1 + "\"}, {\"image\": \"https://example.com/dog.jpg\"}]"));
  }

  @Test
  void stream_qianwenVl_chunksAndDone() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("qwen_vl", "look here", true));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    SseAnswer a = SseAnswer.of(r);
    assertThat(a.content()).isEqualTo("echo: look here");
    assertThat(a.finishReason()).isEqualTo("stop");
    assertThat(a.done()).isTrue();
  }

  @Test
  void embeddings_onQianwenVl_400WithoutCallingDashScope() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"qwen_vl\", \"input\": \"x\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("cannot do embedding").contains("it can do chat, stream, vision");
    assertThat(NODE.upstream().requests()).isEmpty();
  }

  @Test
  void chat_dataInspectionFailed_400WithDashScopeCodeAndRequestId() throws Exception {
    NODE.upstream().failNextWithCode(400, "DataInspectionFailed", "Input data may contain inappropriate content.");

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("qwen", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText())
        .contains("DataInspectionFailed: Input data may contain inappropriate content. (request_id ");
  }

  @Test
  void chat_throttled_429WithRetryAfterWithoutTheKey() throws Exception {
    NODE.upstream().failNext(429, "Requests rate limit exceeded, please try again later.", Map.of("Retry-After", "2"));

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("qwen", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(json(r).at("/error/message").asText()).contains("Throttling.RateQuota");
    assertThat(r.body()).doesNotContain(KEY);
  }

  @Test
  void stream_errorEventMidStream_endsWithTheProvidersMessage() throws Exception {
    NODE.upstream().failMidStreamNext("An internal error has occured, please try again later.");

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("qwen", "one two three four", true));

    assertThat(r.body()).contains("InternalError: An internal error has occured");
    assertThat(SseAnswer.of(r).done()).isFalse();
  }
}
