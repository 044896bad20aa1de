package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.testkit.FakeDashScopeServer;
import io.byzerllm.testkit.RecordedRequest;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ModelBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DashScopeWireTest {
  private final FakeDashScopeServer dashscope = FakeDashScopeServer.start().requireApiKey(TEST_KEY);
  private static final JsonNode TOOLS = TestJson.parse("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
      + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]");
  private final List<ChatDelta> deltas = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    dashscope.close();
  }

  private ModelBackend qianwen(String... params) {
    return TestBackends.open(ModelType.SAAS_QIANWEN, dashscope, params);
  }

  @Test
  void chat_qianwen_postsInputMessagesAndParametersInMessageFormat() throws Exception {
    ChatOptions options = new ChatOptions(64, 0.3, null, List.of("###"), null,
        Map.of("top_k", TextNode.valueOf("5"), "enable_search", TextNode.valueOf("true")));
    try (ModelBackend backend = qianwen()) {

      ChatResult r = await(backend.chat(new ChatCall("req-1", List.of(ChatMessage.of("system", "be brief"),
          ChatMessage.of("user", "你好 qwen")), options)));

      assertThat(r.content()).isEqualTo("echo: 你好 qwen");
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.usage().promptTokens()).isEqualTo(4);
      RecordedRequest sent = dashscope.lastRequest();
      assertThat(sent.path()).isEqualTo("/api/v1/services/aigc/text-generation/generation");
      assertThat(sent.header("Authorization")).isEqualTo("Bearer " + TEST_KEY);
      assertThat(sent.header("X-DashScope-SSE")).isNull();
      JsonNode body = sent.json();
      assertThat(body.path("model").asText()).isEqualTo("fake-chat");
      assertThat(body.at("/input/messages/1/content").asText()).isEqualTo("你好 qwen");
      JsonNode p = body.path("parameters");
      assertThat(p.path("result_format").asText()).isEqualTo("message");
      assertThat(p.path("max_tokens").asInt()).isEqualTo(64);
      assertThat(p.path("top_k")).isEqualTo(IntNode.valueOf(5));
      assertThat(p.path("enable_search")).isEqualTo(BooleanNode.TRUE);
      assertThat(p.path("stop").get(0).asText()).isEqualTo("###");
    }
  }

  @Test
  void stream_qianwen_sseWithIncrementalOutputGivesDeltasUsageAndFinish() throws Exception {
    dashscope.reasoning("think first");
    try (ModelBackend backend = qianwen()) {

      ChatResult r = await(backend.stream(userSays("tell me a story"), deltas::add).done());

      assertThat(deltas.stream().map(ChatDelta::content).filter(c -> c != null).toList())
          .containsExactly("echo:", " tell", " me", " a", " story");
      assertThat(deltas.get(0).reasoningContent()).isEqualTo("think");
      assertThat(r.reasoningContent()).isEqualTo("think first");
      assertThat(r.content()).isEqualTo("echo: tell me a story");
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.usage().completionTokens()).isEqualTo(5);
      RecordedRequest sent = dashscope.lastRequest();
      assertThat(sent.header("X-DashScope-SSE")).isEqualTo("enable");
      assertThat(sent.json().at("/parameters/incremental_output").asBoolean()).isTrue();
    }
  }

  @Test
  void chat_toolCall_toolsInParametersAndTheCallComesBack() throws Exception {
    dashscope.replyToolCall("get_weather", "{\"city\":\"杭州\"}");
    ChatOptions options = new ChatOptions(null, null, null, List.of(), null, Map.of("tools", TOOLS));
    try (ModelBackend backend = qianwen()) {

      ChatResult r = await(backend.chat(new ChatCall("req-1", List.of(ChatMessage.of("user", "weather?")), options)));

      assertThat(r.finishReason()).isEqualTo("tool_calls");
      assertThat(r.toolCalls().get(0).at("/function/name").asText()).isEqualTo("get_weather");
      assertThat(r.toolCalls().get(0).at("/function/arguments").asText()).isEqualTo("{\"city\":\"杭州\"}");
      assertThat(dashscope.lastRequest().json().at("/parameters/tools")).isEqualTo(TOOLS);
    }
  }

  @Test
  void chat_toolResultInHistory_callAndAnswerSentInOpenAiShape() throws Exception {
    dashscope.replyToolCall("get_weather", "{\"city\":\"杭州\"}");
    ChatOptions options = new ChatOptions(null, null, null, List.of(), null, Map.of("tools", TOOLS));
    try (ModelBackend backend = qianwen()) {
      ChatMessage question = ChatMessage.of("user", "weather?");
      ChatResult called = await(backend.chat(new ChatCall("req-1", List.of(question), options)));
      String callId = called.toolCalls().get(0).path("id").asText();
      ChatMessage assistant = new ChatMessage("assistant", TextNode.valueOf(""), null, false, called.toolCalls(), null);
      ChatMessage answer = new ChatMessage("tool", TextNode.valueOf("晴, 25°C"), "get_weather", false, null, callId);
      dashscope.reply("杭州今天晴");

      ChatResult r = await(backend.chat(new ChatCall("req-2", List.of(question, assistant, answer), options)));

      assertThat(r.content()).isEqualTo("杭州今天晴");
      JsonNode sent = dashscope.lastRequest().json().at("/input/messages");
      assertThat(sent.at("/1/tool_calls/0/id").asText()).isEqualTo(callId);
      assertThat(sent.at("/1/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
      assertThat(sent.at("/2/role").asText()).isEqualTo("tool");
      assertThat(sent.at("/2/tool_call_id").asText()).isEqualTo(callId);
      assertThat(sent.at("/2/name").asText()).isEqualTo("get_weather");
    }
  }

  @Test
  void stream_toolCall_fragmentsMergedIntoOneCall() throws Exception {
    dashscope.replyToolCall("get_weather", "{\"city\":\"Hangzhou\",\"unit\":\"celsius\"}");
    ChatOptions options = new ChatOptions(null, null, null, List.of(), null, Map.of("tools", TOOLS));
    try (ModelBackend backend = qianwen()) {

      ChatResult r = await(backend.stream(new ChatCall("req-1", List.of(ChatMessage.of("user", "weather?")), options),
          deltas::add).done());

      assertThat(deltas.stream().filter(d -> d.toolCalls() != null).count()).isGreaterThan(2);
      assertThat(r.finishReason()).isEqualTo("tool_calls");
      assertThat(r.toolCalls()).hasSize(1);
      assertThat(r.toolCalls().get(0).path("id").asText()).isEqualTo("call_fake_0");
      assertThat(r.toolCalls().get(0).at("/function/arguments").asText())
          .isEqualTo("{\"city\":\"Hangzhou\",\"unit\":\"celsius\"}");
    }
  }

  @Test
  void stream_errorEventMidStream_failsWithTheProvidersCodeAndMessage() throws Exception {
    dashscope.failMidStreamNext("An internal error has occured, please try again later.");
    try (ModelBackend backend = qianwen()) {

      LlmException e = (LlmException) failureOf(backend.stream(userSays("a b c d"), deltas::add).done());

      assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM);
      assertThat(e.getMessage()).contains("InternalError: An internal error has occured").contains("request_id");
      assertThat(deltas).hasSize(2);
    }
  }

  @Test
  void embed_fortyTexts_batchesOf25InInputOrder() throws Exception {
    dashscope.embeddingDimension(3);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      texts.add("text number " + i);
    }
    try (ModelBackend backend = qianwen("saas.model=text-embedding-v2")) {

      EmbeddingResult all = await(backend.embed(EmbeddingCall.of(texts)));
      EmbeddingResult last = await(backend.embed(EmbeddingCall.of(List.of("text number 39"))));

      assertThat(all.vectors()).hasSize(40);
      assertThat(all.vectors().get(39)).containsExactly(last.vectors().get(0));
      assertThat(all.vectors().get(0)).isNotEqualTo(all.vectors().get(1));
      assertThat(all.usage().promptTokens()).isEqualTo(120);
      List<RecordedRequest> sent = dashscope.requests();
      assertThat(sent).hasSize(3);
      assertThat(sent.get(0).path()).isEqualTo("/api/v1/services/embeddings/text-embedding/text-embedding");
      assertThat(sent.get(0).json().at("/input/texts").size()).isEqualTo(25);
      assertThat(sent.get(1).json().at("/input/texts").size()).isEqualTo(15);
      assertThat(sent.get(0).json().at("/parameters/text_type").asText()).isEqualTo("document");
    }
  }

  @Test
  void embed_firstBatchRefused_failsTheCallWithoutSendingTheRest() throws Exception {
    dashscope.failNextWithCode(400, "InvalidParameter", "Range of input length should be [1, 2048]");
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      texts.add("text " + i);
    }
    try (ModelBackend backend = qianwen("saas.model=text-embedding-v1")) {

      LlmException e = (LlmException) failureOf(backend.embed(EmbeddingCall.of(texts)));

      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).contains("InvalidParameter: Range of input length");
      assertThat(dashscope.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void embed_cancelledDuringTheFirstBatch_noFurtherBatchIsSent() throws Exception {
    dashscope.stallNext();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      texts.add("text " + i);
    }
    try (ModelBackend backend = qianwen("saas.model=text-embedding-v2")) {
      CompletableFuture<EmbeddingResult> call = backend.embed(EmbeddingCall.of(texts)).toCompletableFuture();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> dashscope.inFlight() == 1);

      call.cancel(true);
      dashscope.releaseStalled(); // the stalled first batch now answers, to a caller that is gone

      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> dashscope.inFlight() == 0);
      assertThat(call).isCancelled();
      assertThat(dashscope.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void embed_chatModelDeployed_usesTextEmbeddingV2() throws Exception {
    try (ModelBackend backend = qianwen("saas.model=qwen-max")) {

      await(backend.embed(new EmbeddingCall(List.of("查询"), true, null, null)));

      assertThat(dashscope.lastRequest().json().path("model").asText()).isEqualTo("text-embedding-v2");
      assertThat(dashscope.lastRequest().json().at("/parameters/text_type").asText()).isEqualTo("query");
    }
  }

  @Test
  void chat_contentInspectionFailed_400WithCodeAndRequestId() throws Exception {
    dashscope.failNextWithCode(400, "DataInspectionFailed", "Input data may contain inappropriate content.");
    try (ModelBackend backend = qianwen()) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hi")));

      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).contains("DataInspectionFailed: Input data may contain inappropriate content. (request_id ");
    }
  }

  @Test
  void chat_arrearage_403() throws Exception {
    dashscope.failNextWithCode(400, "Arrearage", "Access denied, please make sure your account is in good standing.");
    try (ModelBackend backend = qianwen()) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hi")));

      assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION);
      assertThat(e.getMessage()).contains("Arrearage: Access denied");
    }
  }

  @Test
  void chat_throttled_429WithRetryAfter() throws Exception {
    dashscope.failNext(429, "Requests rate limit exceeded, please try again later.", Map.of("Retry-After", "3"));
    try (ModelBackend backend = qianwen("saas.max_retries=0")) {

      Throwable failure = failureOf(backend.chat(userSays("hi")));

      assertThat(failure).isInstanceOf(OverloadedException.class);
      assertThat(((OverloadedException) failure).retryAfter()).isEqualTo(Duration.ofSeconds(3));
      assertThat(failure.getMessage()).contains("Throttling.RateQuota: Requests rate limit exceeded");
    }
  }

  @Test
  void chat_wrongKey_401InvalidApiKeyWithoutTheKey() throws Exception {
    try (ModelBackend backend = qianwen("saas.api_key=sk-wrong-dashscope-key-77")) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hi")));

      assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(e.getMessage()).contains("InvalidApiKey: Invalid API-key provided.").doesNotContain("sk-wrong");
    }
  }

  @Test
  void chat_stalls_504NamingTheTimeout() throws Exception {
    dashscope.stallNext();
    try (ModelBackend backend = qianwen("saas.timeout=0.5", "saas.max_retries=0")) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hi")));

      assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
      assertThat(e.getMessage()).contains("saas.timeout");
    } finally {
      dashscope.releaseStalled();
    }
  }

  @Test
  void chat_qianwenVl_imagePartsBecomeDashScopeItems() throws Exception {
    JsonNode content = TestJson.parse("[{\"type\":\"text\",\"text\":\"what is this\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.jpg\"}}]");
    try (ModelBackend backend = TestBackends.open(ModelType.SAAS_QIANWEN_VL, dashscope)) {

      ChatResult r = await(backend.chat(new ChatCall("req-1", List.of(ChatMessage.of("system", "describe"),
          new ChatMessage("user", content, null, false)), ChatOptions.DEFAULTS)));

      assertThat(r.content()).isEqualTo("echo: what is this");
      assertThat(dashscope.imagesReceived()).isEqualTo(2);
      RecordedRequest sent = dashscope.lastRequest();
      assertThat(sent.path()).isEqualTo("/api/v1/services/aigc/multimodal-generation/generation");
      assertThat(sent.json().at("/input/messages/0/content")).isEqualTo(TestJson.parse("[{\"text\":\"describe\"}]"));
      assertThat(sent.json().at("/input/messages/1/content")).isEqualTo(TestJson.parse("[{\"text\":\"what is this\"},"
          + "{\"image\":\"data:image/png;base64,iVBORw0KGgo=\"},{\"image\":\"https://example.com/cat.jpg\"}]"));
    }
  }

  @Test
  void stream_qianwenVl_listContentDeltas() throws Exception {
    try (ModelBackend backend = TestBackends.open(ModelType.SAAS_QIANWEN_VL, dashscope)) {

      ChatResult r = await(backend.stream(userSays("see this"), deltas::add).done());

      assertThat(deltas.stream().map(ChatDelta::content).filter(c -> c != null).toList())
          .containsExactly("echo:", " see", " this");
      assertThat(r.finishReason()).isEqualTo("stop");
    }
  }

  @Test
  void embed_onQianwenVl_400NamingWhatTheTypeCanDo() {
    try (ModelBackend backend = TestBackends.open(ModelType.SAAS_QIANWEN_VL, dashscope)) {

      LlmException e = (LlmException) failureOf(backend.embed(EmbeddingCall.of(List.of("x"))));

      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).contains("saas/qianwen_vl cannot do embedding; it can do chat, stream, vision");
    }
  }
}
