package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.open;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.RecordedRequest;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ModelBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiBackendChatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FakeOpenAiServer upstream = FakeOpenAiServer.start();

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void chat_plainQuestion_returnsContentUsageAndFinishReason() throws Exception {
    try (ModelBackend backend = open(upstream)) {

      ChatResult r = await(backend.chat(userSays("hello there")));

      assertThat(r.content()).isEqualTo("echo: hello there");
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.usage().promptTokens()).isEqualTo(2);
      assertThat(r.usage().completionTokens()).isEqualTo(3);
      assertThat(r.upstreamModel()).isEqualTo("fake-chat");
      assertThat(r.requestId()).isEqualTo("req-1");
      assertThat(r.firstTokenMillis()).isZero();
    }
  }

  @Test
  void chat_defaultOptions_sendsModelMessagesAndKeyButNoGenerationDefaults() throws Exception {
    try (ModelBackend backend = open(upstream)) {

      await(backend.chat(userSays("hi")));

      RecordedRequest sent = upstream.requests().get(0);
      assertThat(sent.path()).isEqualTo("/v1/chat/completions");
      assertThat(sent.header("Authorization")).isEqualTo("Bearer " + TEST_KEY);
      assertThat(sent.json().get("model").asText()).isEqualTo("fake-chat");
      assertThat(sent.json().get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
      assertThat(sent.json().has("max_tokens")).isFalse();
      assertThat(sent.json().has("temperature")).isFalse();
      assertThat(sent.json().has("stop")).isFalse();
      assertThat(sent.json().has("stream")).isFalse();
    }
  }

  @Test
  void chat_withOptionsPrefixAndExtras_sendsThemAsOpenAiFields() throws Exception {
    ChatOptions options = new ChatOptions(64, 0.3, 0.9, List.of("END"), "deepseek-chat",
        Map.of("seed", JSON.valueToTree(7), "response_format", JSON.readTree("{\"type\":\"json_object\"}")));
    ChatCall call = new ChatCall("req-2", List.of(
        new ChatMessage("system", TextNode.valueOf("be brief"), "rules", false),
        ChatMessage.of("user", "write code"),
        new ChatMessage("assistant", TextNode.valueOf("```python\n"), null, true)), options);
    try (ModelBackend backend = open(upstream)) {

      await(backend.chat(call));

      JsonNode body = upstream.requests().get(0).json();
      assertThat(body.get("model").asText()).isEqualTo("deepseek-chat");
      assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
      assertThat(body.get("temperature").asDouble()).isEqualTo(0.3);
      assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
      assertThat(body.get("stop").toString()).isEqualTo("[\"END\"]");
      assertThat(body.get("seed").asInt()).isEqualTo(7);
      assertThat(body.get("response_format").toString()).isEqualTo("{\"type\":\"json_object\"}");
      assertThat(body.get("messages").get(0).toString())
          .isEqualTo("{\"role\":\"system\",\"content\":\"be brief\",\"name\":\"rules\"}");
      assertThat(body.get("messages").get(2).toString())
          .isEqualTo("{\"role\":\"assistant\",\"content\":\"```python\\n\",\"prefix\":true}");
    }
  }

  @Test
  void chat_queuedReply_returnsThatReply() throws Exception {
    upstream.reply("forty-two");
    try (ModelBackend backend = open(upstream)) {

      ChatResult r = await(backend.chat(userSays("what is the answer?")));

      assertThat(r.content()).isEqualTo("forty-two");
    }
  }

  @Test
  void chat_reasoningType_omitsSamplingAndKeepsReasoningContent() throws Exception {
    upstream.reasoning("first think, then answer");
    ChatOptions options = new ChatOptions(100, 0.7, 0.8, List.of(), null, Map.of());
    try (ModelBackend backend = open(ModelType.SAAS_REASONING_OPENAI, upstream)) {

      ChatResult r = await(backend.chat(new ChatCall("req-3", List.of(ChatMessage.of("user", "why?")), options)));

      JsonNode body = upstream.requests().get(0).json();
      assertThat(body.has("temperature")).isFalse();
      assertThat(body.has("top_p")).isFalse();
      assertThat(body.get("max_tokens").asInt()).isEqualTo(100);
      assertThat(r.reasoningContent()).isEqualTo("first think, then answer");
      assertThat(r.content()).isEqualTo("echo: why?");
    }
  }

  @Test
  void chat_extraHeadersConfigured_sendsThem() throws Exception {
    try (ModelBackend backend = open(upstream, "saas.headers.X-Title=byzerllm", "saas.headers.HTTP-Referer=https://example.test")) {

      await(backend.chat(userSays("hi")));

      RecordedRequest sent = upstream.requests().get(0);
      assertThat(sent.header("X-Title")).isEqualTo("byzerllm");
      assertThat(sent.header("HTTP-Referer")).isEqualTo("https://example.test");
    }
  }

  @Test
  void chat_loopbackBaseUrlWithoutKey_worksWithoutAuthorizationHeader() throws Exception {
    try (ModelBackend backend = open(upstream, "saas.api_key=")) {

      ChatResult r = await(backend.chat(userSays("local model")));

      assertThat(r.content()).isEqualTo("echo: local model");
      assertThat(upstream.requests().get(0).header("Authorization")).isNull();
    }
  }

  @Test
  void chat_modelCallsATool_returnsToolCallsAndFinishReason() throws Exception {
    upstream.replyToolCall("get_weather", "{\"city\":\"Hangzhou\"}");
    try (ModelBackend backend = open(upstream)) {

      ChatResult r = await(backend.chat(userSays("weather?")));

      assertThat(r.finishReason()).isEqualTo("tool_calls");
      assertThat(r.content()).isEmpty();
      assertThat(r.toolCalls().get(0).get("function").get("name").asText()).isEqualTo("get_weather");
      assertThat(r.toolCalls().get(0).get("function").get("arguments").asText()).isEqualTo("{\"city\":\"Hangzhou\"}");
    }
  }

  @Test
  void chat_manyCallsAtOnce_allReachUpstreamTogetherAndAllComplete() throws Exception {
    upstream.stallAll(true);
    try (ModelBackend backend = open(upstream)) {
      List<CompletableFuture<ChatResult>> calls = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        calls.add(backend.chat(userSays("call " + i)).toCompletableFuture());
      }
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> upstream.inFlight() == 32);

      upstream.stallAll(false);
      upstream.releaseStalled();

      for (int i = 0; i < 32; i++) {
        assertThat(await(calls.get(i)).content()).isEqualTo("echo: call " + i);
      }
      assertThat(upstream.maxInFlight()).isEqualTo(32);
    }
  }
}
