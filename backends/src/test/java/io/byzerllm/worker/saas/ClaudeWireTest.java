package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.open;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeClaudeServer;
import io.byzerllm.testkit.FakeUpstream;
import io.byzerllm.testkit.RecordedRequest;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.StreamHandle;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code saas/claude} against a fake that speaks and checks Anthropic's Messages API. */
@Timeout(60)
class ClaudeWireTest extends WireFormatContract {
  static final String TOOLS = """
      [{"type": "function", "function": {"name": "mul", "description": "multiplies",
        "parameters": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}}}}]""";

  @Override
  ModelType type() {
    return ModelType.SAAS_CLAUDE;
  }

  @Override
  FakeUpstream<?> startFake() {
    return FakeClaudeServer.start().requireApiKey(TEST_KEY);
  }

  @Test
  void chat_systemAndUser_liftsSystemSendsHeadersAndMapsUsage() throws Exception {
    ChatCall call = new ChatCall("req-1", List.of(ChatMessage.of("system", "be brief"), ChatMessage.of("user", "hello there")),
        new ChatOptions(100, 0.2, null, List.of("END"), null, Map.of("seed", TextNode.valueOf("x"))));

    ChatResult r = await(backend.chat(call));

    assertThat(r.content()).isEqualTo("echo: hello there");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.usage().promptTokens()).isEqualTo(4);
    assertThat(r.usage().completionTokens()).isEqualTo(3);
    RecordedRequest sent = upstream.lastRequest();
    assertThat(sent.path()).isEqualTo("/v1/messages");
    assertThat(sent.header("x-api-key")).isEqualTo(TEST_KEY);
    assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(sent.header("Authorization")).isNull();
    assertThat(sent.json().path("system").asText()).isEqualTo("be brief");
    assertThat(sent.json().path("messages")).hasSize(1);
    assertThat(sent.json().path("max_tokens").asInt()).isEqualTo(100);
    assertThat(sent.json().path("stop_sequences").get(0).asText()).isEqualTo("END");
    assertThat(sent.json().has("seed")).as("OpenAI-only options are not sent to Anthropic").isFalse();
  }

  @Test
  void chat_noMaxTokens_sendsTheDeploymentDefault() throws Exception {
    await(backend.chat(userSays("hi")));

    assertThat(upstream.lastRequest().json().path("max_tokens").asInt()).isEqualTo(ClaudeWire.DEFAULT_MAX_TOKENS);
  }

  @Test
  void chat_dataUrlImage_becomesBase64ImageBlock() throws Exception {
    JsonNode parts = TestJson.parse("""
        [{"type": "text", "text": "what is this"},
         {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]""");
    ChatCall call = new ChatCall("req-1", List.of(new ChatMessage("user", parts, null, false)), ChatOptions.DEFAULTS);

    ChatResult r = await(backend.chat(call));

    assertThat(r.content()).isEqualTo("echo: what is this [images: 1]");
    JsonNode image = upstream.lastRequest().json().at("/messages/0/content/1");
    assertThat(image.path("type").asText()).isEqualTo("image");
    assertThat(image.at("/source/type").asText()).isEqualTo("base64");
    assertThat(image.at("/source/media_type").asText()).isEqualTo("image/png");
    assertThat(image.at("/source/data").asText()).isEqualTo("iVBORw0KGgo=");
  }

  @Test
  void chat_trailingAssistantMessage_isSentAsPrefillWithoutTrailingSpace() throws Exception {
    ChatCall call = new ChatCall("req-1", List.of(ChatMessage.of("user", "count"), ChatMessage.of("assistant", "1, 2, ")),
        ChatOptions.DEFAULTS);

    await(backend.chat(call));

    JsonNode messages = upstream.lastRequest().json().path("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(1).at("/content/0/text").asText()).isEqualTo("1, 2,");
  }

  @Test
  void chat_toolCalled_comesBackAsOpenAiToolCalls() throws Exception {
    upstream.replyToolCall("mul", "{\"a\":6,\"b\":7}");

    ChatResult r = await(backend.chat(withTools(List.of(ChatMessage.of("user", "6*7?")))));

    assertThat(r.finishReason()).isEqualTo("tool_calls");
    assertThat(r.toolCalls()).hasSize(1);
    assertThat(r.toolCalls().at("/0/id").asText()).isEqualTo("toolu_fake_0");
    assertThat(r.toolCalls().at("/0/type").asText()).isEqualTo("function");
    assertThat(r.toolCalls().at("/0/function/name").asText()).isEqualTo("mul");
    assertThat(TestJson.parse(r.toolCalls().at("/0/function/arguments").asText()).path("b").asInt()).isEqualTo(7);
    JsonNode tool = upstream.lastRequest().json().at("/tools/0");
    assertThat(tool.path("name").asText()).isEqualTo("mul");
    assertThat(tool.at("/input_schema/properties/a/type").asText()).isEqualTo("number");
  }

  @Test
  void chat_toolResult_becomesToolUseAndToolResultBlocks() throws Exception {
    ArrayNode calls = (ArrayNode) TestJson.parse("""
        [{"id": "toolu_1", "type": "function", "function": {"name": "mul", "arguments": "{\\"a\\":6,\\"b\\":7}"}}]""");
    List<ChatMessage> conversation = List.of(ChatMessage.of("user", "6*7?"),
        new ChatMessage("assistant", null, null, false, calls, null),
        new ChatMessage("tool", TextNode.valueOf("42"), null, false, null, "toolu_1"));

    ChatResult r = await(backend.chat(withTools(conversation)));

    assertThat(r.content()).isEqualTo("echo: result 42");
    JsonNode messages = upstream.lastRequest().json().path("messages");
    assertThat(messages.at("/1/content/0/type").asText()).isEqualTo("tool_use");
    assertThat(messages.at("/1/content/0/input/a").asInt()).isEqualTo(6);
    assertThat(messages.at("/2/role").asText()).isEqualTo("user");
    assertThat(messages.at("/2/content/0/tool_use_id").asText()).isEqualTo("toolu_1");
  }

  @Test
  void chat_thinking_comesBackAsReasoningContent() throws Exception {
    upstream.reasoning("first I think");

    ChatResult r = await(backend.chat(userSays("hi")));

    assertThat(r.reasoningContent()).isEqualTo("first I think");
    assertThat(r.content()).isEqualTo("echo: hi");
  }

  @Test
  void stream_text_deliversDeltasInOrderWithUsageAndFinish() throws Exception {
    upstream.reasoning("hmm, let me see");
    List<ChatDelta> deltas = new CopyOnWriteArrayList<>();

    StreamHandle h = backend.stream(userSays("one two three"), deltas::add);
    ChatResult r = await(h.done());

    assertThat(r.content()).isEqualTo("echo: one two three");
    assertThat(r.reasoningContent()).isEqualTo("hmm, let me see");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.usage().promptTokens()).isEqualTo(3);
    assertThat(r.usage().completionTokens()).isEqualTo(4);
    assertThat(deltas.stream().filter(d -> d.content() != null).count()).isGreaterThan(1);
    assertThat(deltas.get(deltas.size() - 1).finishReason()).isEqualTo("stop");
    assertThat(upstream.lastRequest().json().path("stream").asBoolean()).isTrue();
  }

  @Test
  void stream_toolCall_fragmentsMergeIntoOneCall() throws Exception {
    upstream.replyToolCall("mul", "{\"a\":6,\"b\":7}");
    List<ChatDelta> deltas = new CopyOnWriteArrayList<>();

    ChatResult r = await(backend.stream(withTools(List.of(ChatMessage.of("user", "6*7?"))), deltas::add).done());

    assertThat(r.finishReason()).isEqualTo("tool_calls");
    assertThat(r.toolCalls().at("/0/function/name").asText()).isEqualTo("mul");
    assertThat(r.toolCalls().at("/0/function/arguments").asText()).isEqualTo("{\"a\":6,\"b\":7}");
    assertThat(deltas.stream().filter(d -> d.toolCalls() != null).count()).isGreaterThan(2);
  }

  @Test
  void stream_errorEventMidStream_failsWithTheProvidersMessage() throws Exception {
    upstream.failMidStreamNext("Overloaded");

    Throwable failure = failureOf(backend.stream(userSays("one two three four"), d -> {}).done());

    assertThat(failure).isInstanceOf(LlmException.class).hasMessageContaining("overloaded_error: Overloaded");
    assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UPSTREAM);
  }

  @Test
  void chat_overloaded529_isUnavailableWithTheProvidersMessage() throws Exception {
    upstream.failNext(529, "Overloaded").failNext(529, "Overloaded").failNext(529, "Overloaded");

    Throwable failure = failureOf(backend.chat(userSays("hi")));

    assertThat(failure).isInstanceOf(LlmException.class).hasMessageContaining("529: overloaded_error: Overloaded");
    assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(upstream.requestCount()).as("529 is retried saas.max_retries times").isEqualTo(3);
  }

  @Test
  void chat_overloadedOnce_isRetriedAndAnswers() throws Exception {
    upstream.failNext(529, "Overloaded");

    assertThat(await(backend.chat(userSays("hi"))).content()).isEqualTo("echo: hi");
  }

  @Test
  void chat_errorStatuses_mapToKindsWithAnthropicsErrorType() throws Exception {
    try (ModelBackend once = open(ModelType.SAAS_CLAUDE, upstream, "saas.max_retries=0")) {
      upstream.failNext(400, "messages: bad");
      assertThat(kindOf(once)).isEqualTo(ErrorKind.INVALID_REQUEST);
      upstream.failNext(429, "Number of request tokens has exceeded your rate limit");
      assertThat(kindOf(once)).isEqualTo(ErrorKind.OVERLOADED);
      upstream.failNext(500, "Internal server error");
      assertThat(kindOf(once)).isEqualTo(ErrorKind.UPSTREAM);
      upstream.failNext(413, "Request exceeds the maximum allowed number of bytes");
      assertThat(kindOf(once)).isEqualTo(ErrorKind.TOO_LARGE);
    }
  }

  @Test
  void embed_claudeHasNoEmbeddings_refusedNamingWhatItCanDo() {
    Throwable failure = failureOf(backend.embed(EmbeddingCall.of(List.of("x"))));

    assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(failure.getMessage()).contains("saas/claude cannot do embedding").contains("chat, stream, vision");
    assertThat(upstream.requestCount()).isZero();
  }

  @Test
  void finishReason_anthropicsStopReasons_becomeOpenAis() {
    assertThat(ClaudeWire.finishReason("end_turn")).isEqualTo("stop");
    assertThat(ClaudeWire.finishReason("stop_sequence")).isEqualTo("stop");
    assertThat(ClaudeWire.finishReason("max_tokens")).isEqualTo("length");
    assertThat(ClaudeWire.finishReason("tool_use")).isEqualTo("tool_calls");
    assertThat(ClaudeWire.finishReason("refusal")).isEqualTo("content_filter");
    assertThat(ClaudeWire.finishReason(null)).isNull();
  }

  private ErrorKind kindOf(ModelBackend b) {
    return ((LlmException) failureOf(b.chat(userSays("hi")))).kind();
  }

  static ChatCall withTools(List<ChatMessage> messages) {
    return new ChatCall("req-1", messages, new ChatOptions(null, null, null, List.of(), null,
        Map.of("tools", TestJson.parse(TOOLS))));
  }
}
