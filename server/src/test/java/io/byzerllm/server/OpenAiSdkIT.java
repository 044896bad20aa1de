package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.saasDeployment;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import io.byzerllm.testkit.FakeClaudeServer;
import io.byzerllm.testkit.FakeGeminiServer;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.FakeUpstream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official OpenAI Java SDK pointed at a node works the same against a Claude-, a Gemini- and an
 * OpenAI-backed deployment: chat, stream, and a tool call answered with its result.
 */
@Timeout(120)
class OpenAiSdkIT {
  @TempDir static Path home;
  static FakeOpenAiServer openAi;
  static FakeClaudeServer claude;
  static FakeGeminiServer gemini;
  static Node node;
  static OpenAIClient sdk;

  @BeforeAll
  static void start() throws Exception {
    openAi = FakeOpenAiServer.start();
    claude = FakeClaudeServer.start();
    gemini = FakeGeminiServer.start();
    node = Node.start(NodeSettings.ephemeral(home));
    NodeCalls calls = new NodeCalls(node.httpUrl());
    Map<String, String> params = Map.of("saas.api_key", "sk-test-sdk-it-0a1b2c3d");
    calls.deploy(saasDeployment("gpt", "saas/openai", openAi.baseUrl(), 1, 4, params));
    calls.deploy(saasDeployment("claude", "saas/claude", claude.baseUrl(), 1, 4, params));
    calls.deploy(saasDeployment("gemini", "saas/gemini", gemini.baseUrl(), 1, 4, params));
    sdk = OpenAIOkHttpClient.builder().baseUrl(node.httpUrl() + "/v1").apiKey("not-checked-by-this-node")
        .timeout(Duration.ofSeconds(30)).maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    if (sdk != null) {
      sdk.close();
    }
    if (node != null) {
      node.close();
    }
    Stream.of(openAi, claude, gemini).forEach(FakeUpstream::close);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt", "claude", "gemini"})
  void chat_throughTheSdk_answersWithContentAndUsage(String model) {
    ChatCompletion c = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(model).addSystemMessage("be brief").addUserMessage("hello from the sdk").build());

    assertThat(c.model()).isEqualTo(model);
    assertThat(c.choices().get(0).message().content()).hasValue("echo: hello from the sdk");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt", "claude", "gemini"})
  void stream_throughTheSdk_deltasJoinToTheAnswer(String model) {
    StringBuilder text = new StringBuilder();
    ChatCompletionChunk.Choice.FinishReason[] finish = {null};
    try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model(model).addUserMessage("one two three").build())) {
      stream.stream().flatMap(chunk -> chunk.choices().stream()).forEach(choice -> {
        choice.delta().content().ifPresent(text::append);
        choice.finishReason().ifPresent(f -> finish[0] = f);
      });
    }

    assertThat(text.toString()).isEqualTo("echo: one two three");
    assertThat(finish[0]).isEqualTo(ChatCompletionChunk.Choice.FinishReason.STOP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt", "claude", "gemini"})
  void tools_throughTheSdk_callIsMadeAndItsResultAnswered(String model) {
    fakeOf(model).replyToolCall("mul", "{\"a\":6,\"b\":7}");
    FunctionDefinition mul = FunctionDefinition.builder().name("mul").description("multiplies two numbers")
        .parameters(FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("a", Map.of("type", "number"),
                "b", Map.of("type", "number"))))
            .build())
        .build();
    ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder().model(model).addFunctionTool(mul)
        .addUserMessage("what is 6*7").build();

    ChatCompletion first = sdk.chat().completions().create(ask);

    assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    List<ChatCompletionMessageFunctionToolCall> calls = first.choices().get(0).message().toolCalls().orElseThrow()
        .stream().map(call -> call.asFunction()).toList();
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).function().name()).isEqualTo("mul");
    assertThat(calls.get(0).function().arguments()).contains("\"a\":6");

    ChatCompletion second = sdk.chat().completions().create(ask.toBuilder()
        .addMessage(first.choices().get(0).message())
        .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.get(0).id()).content("42").build())
        .build());

    assertThat(second.choices().get(0).message().content().orElseThrow()).startsWith("echo: ");
    assertThat(fakeOf(model).lastRequest().body()).as("the result reached the provider in its own shape")
        .contains("42").contains("mul");
  }

  private static FakeUpstream<?> fakeOf(String model) {
    return switch (model) {
      case "claude" -> claude;
      case "gemini" -> gemini;
      default -> openAi;
    };
  }
}
