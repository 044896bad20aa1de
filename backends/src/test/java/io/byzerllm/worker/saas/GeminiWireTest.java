package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.ClaudeWireTest.withTools;
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
import io.byzerllm.testkit.FakeGeminiServer;
import io.byzerllm.testkit.FakeUpstream;
import io.byzerllm.testkit.RecordedRequest;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ModelBackend;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code saas/gemini} against a fake that speaks and checks Google's Gemini API. */
@Timeout(60)
class GeminiWireTest extends WireFormatContract {

  @Override
  ModelType type() {
    return ModelType.SAAS_GEMINI;
  }

  @Override
  FakeUpstream<?> startFake() {
    return FakeGeminiServer.start().requireApiKey(TEST_KEY);
  }

  @Test
  void chat_systemAndUser_sendsSystemInstructionKeyHeaderAndMapsUsage() throws Exception {
    ChatCall call = new ChatCall("req-1", List.of(ChatMessage.of("system", "be brief"), ChatMessage.of("user", "hello there")),
        new ChatOptions(50, 0.3, 0.9, List.of("END"), null, java.util.Map.of()));

    ChatResult r = await(backend.chat(call));

    assertThat(r.content()).isEqualTo("echo: hello there");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.usage().promptTokens()).isEqualTo(2);
    assertThat(r.usage().completionTokens()).isEqualTo(3);
    RecordedRequest sent = upstream.lastRequest();
    assertThat(sent.path()).isEqualTo("/v1beta/models/fake-chat:generateContent");
    assertThat(sent.header("x-goog-api-key")).isEqualTo(TEST_KEY);
    assertThat(sent.header("Authorization")).isNull();
    assertThat(sent.json().at("/systemInstruction/parts/0/text").asText()).isEqualTo("be brief");
    assertThat(sent.json().at("/contents/0/role").asText()).isEqualTo("user");
    assertThat(sent.json().at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(50);
    assertThat(sent.json().at("/generationConfig/topP").asDouble()).isEqualTo(0.9);
    assertThat(sent.json().at("/generationConfig/stopSequences/0").asText()).isEqualTo("END");
  }

  @Test
  void chat_dataUrlImage_becomesInlineData() throws Exception {
    JsonNode parts = TestJson.parse("""
        [{"type": "text", "text": "what is this"},
         {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/4AAQ"}}]""");

    ChatResult r = await(backend.chat(new ChatCall("req-1", List.of(new ChatMessage("user", parts, null, false)),
        ChatOptions.DEFAULTS)));

    assertThat(r.content()).isEqualTo("echo: what is this [images: 1]");
    JsonNode inline = upstream.lastRequest().json().at("/contents/0/parts/1/inlineData");
    assertThat(inline.path("mimeType").asText()).isEqualTo("image/jpeg");
    assertThat(inline.path("data").asText()).isEqualTo("/9j/4AAQ");
  }

  @Test
  void chat_imageByUrl_isRefusedSayingToSendADataUrl() {
    JsonNode parts = TestJson.parse("[{\"type\": \"image_url\", \"image_url\": {\"url\": \"https://example.com/a.png\"}}]");

    Throwable failure = failureOf(backend.chat(new ChatCall("req-1", List.of(new ChatMessage("user", parts, null, false)),
        ChatOptions.DEFAULTS)));

    assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(failure.getMessage()).contains("messages[0].content").contains("data URL");
    assertThat(upstream.requestCount()).isZero();
  }

  @Test
  void chat_toolCalled_comesBackAsOpenAiToolCalls() throws Exception {
    upstream.replyToolCall("mul", "{\"a\":6,\"b\":7}");

    ChatResult r = await(backend.chat(withTools(List.of(ChatMessage.of("user", "6*7?")))));

    assertThat(r.finishReason()).isEqualTo("tool_calls");
    assertThat(r.toolCalls().at("/0/function/name").asText()).isEqualTo("mul");
    assertThat(TestJson.parse(r.toolCalls().at("/0/function/arguments").asText()).path("a").asInt()).isEqualTo(6);
    assertThat(r.toolCalls().at("/0/id").asText()).isNotBlank();
    JsonNode declaration = upstream.lastRequest().json().at("/tools/0/functionDeclarations/0");
    assertThat(declaration.path("name").asText()).isEqualTo("mul");
    assertThat(declaration.at("/parameters/properties/b/type").asText()).isEqualTo("number");
  }

  @Test
  void chat_toolResult_becomesFunctionCallAndFunctionResponse() throws Exception {
    ArrayNode calls = (ArrayNode) TestJson.parse("""
        [{"id": "call_0", "type": "function", "function": {"name": "mul", "arguments": "{\\"a\\":6,\\"b\\":7}"}}]""");
    List<ChatMessage> conversation = List.of(ChatMessage.of("user", "6*7?"),
        new ChatMessage("assistant", null, null, false, calls, null),
        new ChatMessage("tool", TextNode.valueOf("42"), null, false, null, "call_0"));

    ChatResult r = await(backend.chat(withTools(conversation)));

    assertThat(r.content()).isEqualTo("echo: result {\"result\":\"42\"}");
    JsonNode contents = upstream.lastRequest().json().path("contents");
    assertThat(contents.at("/1/role").asText()).isEqualTo("model");
    assertThat(contents.at("/1/parts/0/functionCall/args/b").asInt()).isEqualTo(7);
    assertThat(contents.at("/2/parts/0/functionResponse/name").asText()).isEqualTo("mul");
  }

  @Test
  void stream_text_usesSseAndDeliversDeltasWithUsageAndFinish() throws Exception {
    upstream.reasoning("thinking it over");
    List<ChatDelta> deltas = new CopyOnWriteArrayList<>();

    ChatResult r = await(backend.stream(userSays("one two three"), deltas::add).done());

    assertThat(r.content()).isEqualTo("echo: one two three");
    assertThat(r.reasoningContent()).isEqualTo("thinking it over");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.usage().promptTokens()).isEqualTo(3);
    assertThat(r.usage().completionTokens()).isEqualTo(4);
    assertThat(deltas.stream().filter(d -> d.content() != null).count()).isEqualTo(4);
    assertThat(upstream.lastRequest().path()).isEqualTo("/v1beta/models/fake-chat:streamGenerateContent");
  }

  @Test
  void stream_toolCall_comesAsOneCallWithToolCallsFinish() throws Exception {
    upstream.replyToolCall("mul", "{\"a\":6,\"b\":7}");

    ChatResult r = await(backend.stream(withTools(List.of(ChatMessage.of("user", "6*7?"))), d -> {}).done());

    assertThat(r.finishReason()).isEqualTo("tool_calls");
    assertThat(r.toolCalls().at("/0/function/name").asText()).isEqualTo("mul");
    assertThat(TestJson.parse(r.toolCalls().at("/0/function/arguments").asText()).path("b").asInt()).isEqualTo(7);
  }

  @Test
  void stream_errorMidStream_failsWithGooglesStatusAndMessage() {
    upstream.failMidStreamNext("backend error");

    Throwable failure = failureOf(backend.stream(userSays("one two three four"), d -> {}).done());

    assertThat(failure).hasMessageContaining("INTERNAL: backend error");
  }

  @Test
  void embed_severalInputs_batchEmbedsInOrderAsQueryOrDocument() throws Exception {
    EmbeddingResult r = await(backend.embed(new EmbeddingCall(List.of("alpha", "beta", "gamma"), true, null, 6)));

    assertThat(r.vectors()).hasSize(3);
    assertThat(r.vectors().get(0)).hasSize(6);
    assertThat(r.vectors().get(0)).isNotEqualTo(r.vectors().get(1));
    RecordedRequest sent = upstream.lastRequest();
    assertThat(sent.path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
    assertThat(sent.json().at("/requests/1/content/parts/0/text").asText()).isEqualTo("beta");
    assertThat(sent.json().at("/requests/0/taskType").asText()).isEqualTo("RETRIEVAL_QUERY");
    assertThat(sent.json().at("/requests/0/model").asText()).isEqualTo("models/text-embedding-004");
  }

  @Test
  void embed_oneInput_usesEmbedContentAndMatchesTheBatchVector() throws Exception {
    EmbeddingResult batch = await(backend.embed(new EmbeddingCall(List.of("alpha", "beta"), false, null, 6)));

    EmbeddingResult one = await(backend.embed(new EmbeddingCall(List.of("beta"), false, null, 6)));

    assertThat(one.vectors().get(0)).isEqualTo(batch.vectors().get(1));
    RecordedRequest sent = upstream.lastRequest();
    assertThat(sent.path()).isEqualTo("/v1beta/models/text-embedding-004:embedContent");
    assertThat(sent.json().at("/content/parts/0/text").asText()).isEqualTo("beta");
    assertThat(sent.json().path("taskType").asText()).isEqualTo("RETRIEVAL_DOCUMENT");
  }

  @Test
  void chat_wrongKey_googles400ApiKeyInvalid_is401WithoutTheKey() {
    try (ModelBackend wrong = open(ModelType.SAAS_GEMINI, upstream, "saas.api_key=AIzaWrongKey1234567890")) {

      Throwable failure = failureOf(wrong.chat(userSays("hi")));

      assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(failure.getMessage()).contains("API key not valid").doesNotContain("AIzaWrongKey1234567890");
    }
  }

  @Test
  void chat_errorStatuses_mapToKindsWithGooglesStatus() {
    try (ModelBackend once = open(ModelType.SAAS_GEMINI, upstream, "saas.max_retries=0")) {
      upstream.failNext(429, "Resource has been exhausted (e.g. check quota).");
      Throwable quota = failureOf(once.chat(userSays("hi")));
      assertThat(((LlmException) quota).kind()).isEqualTo(ErrorKind.OVERLOADED);
      assertThat(quota.getMessage()).contains("RESOURCE_EXHAUSTED: Resource has been exhausted");
      upstream.failNext(400, "Invalid JSON payload received.");
      assertThat(((LlmException) failureOf(once.chat(userSays("hi")))).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
      upstream.failNext(500, "An internal error has occurred.");
      assertThat(((LlmException) failureOf(once.chat(userSays("hi")))).kind()).isEqualTo(ErrorKind.UPSTREAM);
    }
  }

  @Test
  void readChat_promptBlocked_isEmptyAnswerWithContentFilter() {
    GeminiWire wire = new GeminiWire(io.byzerllm.deploy.ModelSpec.of("g", ModelType.SAAS_GEMINI,
        java.util.Map.of("saas.api_key", TEST_KEY)));

    ChatResult r = wire.readChat("req-1", "{\"promptFeedback\": {\"blockReason\": \"SAFETY\"}}".getBytes());

    assertThat(r.content()).isEmpty();
    assertThat(r.finishReason()).isEqualTo("content_filter");
  }

  @Test
  void errorKind_unsupportedLocation_isPermission() {
    GeminiWire wire = new GeminiWire(io.byzerllm.deploy.ModelSpec.of("g", ModelType.SAAS_GEMINI,
        java.util.Map.of("saas.api_key", TEST_KEY)));
    byte[] body = ("{\"error\": {\"code\": 400, \"message\": \"User location is not supported for the API use.\", "
        + "\"status\": \"FAILED_PRECONDITION\"}}").getBytes();

    assertThat(wire.errorKind(400, body)).isEqualTo(ErrorKind.PERMISSION);
    assertThat(wire.errorMessage(body)).isEqualTo("FAILED_PRECONDITION: User location is not supported for the API use.");
  }

  @Test
  void finishReason_googlesReasons_becomeOpenAis() {
    assertThat(GeminiWire.finishReason("STOP", false)).isEqualTo("stop");
    assertThat(GeminiWire.finishReason("STOP", true)).isEqualTo("tool_calls");
    assertThat(GeminiWire.finishReason("SAFETY", false)).isEqualTo("content_filter");
    assertThat(GeminiWire.finishReason("MAX_TOKENS", false)).isEqualTo("length");
    assertThat(GeminiWire.finishReason(null, false)).isNull();
  }
}
