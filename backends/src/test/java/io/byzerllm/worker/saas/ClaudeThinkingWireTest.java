package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.open;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeClaudeServer;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ModelBackend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Claude's extended thinking in a tool loop: thinking blocks, signatures and redacted blocks come out
 * as {@code thinking_blocks} (whole and streamed) and go back first, unchanged, on the next turn, which
 * the fake refuses otherwise, as Anthropic does.
 */
@Timeout(60)
class ClaudeThinkingWireTest {
  private FakeClaudeServer upstream;
  private ModelBackend backend;

  @BeforeEach
  void openBackend() {
    upstream = FakeClaudeServer.start().requireApiKey(TEST_KEY);
    backend = open(ModelType.SAAS_CLAUDE, upstream, "saas.max_retries=0");
  }

  @AfterEach
  void closeBackend() {
    backend.close();
    upstream.close();
  }

  @Test
  void chat_thinkingEnabled_answerCarriesSignedAndRedactedBlocksInOrder() throws Exception {
    ChatResult r = await(backend.chat(thinking(List.of(ChatMessage.of("user", "hi")))));

    assertThat(r.thinkingBlocks()).hasSize(2);
    assertThat(r.thinkingBlocks().at("/0/type").asText()).isEqualTo("thinking");
    assertThat(r.thinkingBlocks().at("/0/signature").asText()).isNotEmpty();
    assertThat(r.thinkingBlocks().at("/1/type").asText()).isEqualTo("redacted_thinking");
    assertThat(r.thinkingBlocks().at("/1/data").asText()).isNotEmpty();
    assertThat(r.reasoningContent()).isEqualTo(r.thinkingBlocks().at("/0/thinking").asText());
    assertThat(r.content()).isEqualTo("echo: hi");
  }

  @Test
  void chat_noThinking_hasNoThinkingBlocks() throws Exception {
    ChatResult r = await(backend.chat(TestBackends.userSays("hi")));

    assertThat(r.thinkingBlocks()).isNull();
  }

  @Test
  void stream_thinkingEnabled_deltasCarryPiecesThenSignatureThenRedactedBlock() throws Exception {
    List<ChatDelta> deltas = new CopyOnWriteArrayList<>();

    ChatResult r = await(backend.stream(thinking(List.of(ChatMessage.of("user", "hi"))), deltas::add).done());

    List<JsonNode> fragments = deltas.stream().filter(d -> d.thinkingBlocks() != null)
        .map(d -> d.thinkingBlocks().get(0)).toList();
    assertThat(fragments.size()).isGreaterThan(2);
    int signed = indexOfField(fragments, "signature");
    assertThat(signed).as("the signature follows the thinking pieces").isGreaterThan(0);
    assertThat(fragments.get(signed).path("thinking").asText()).isEmpty();
    assertThat(fragments.get(signed + 1).path("type").asText()).isEqualTo("redacted_thinking");
    assertThat(fragments.get(signed + 1).path("data").asText()).isNotEmpty();
    assertThat(r.thinkingBlocks()).hasSize(2);
    assertThat(r.thinkingBlocks().at("/0/thinking").asText()).isEqualTo(r.reasoningContent());
    assertThat(r.thinkingBlocks().at("/0/signature").asText()).isEqualTo(fragments.get(signed).path("signature").asText());
  }

  @Test
  void chat_toolLoopSendingThinkingBlocksBack_secondTurnAccepted() throws Exception {
    upstream.replyToolCall("mul", "{\"a\":6,\"b\":7}");
    ChatResult first = await(backend.chat(thinking(List.of(ChatMessage.of("user", "6*7?")))));

    ChatResult second = await(backend.chat(thinking(secondTurn(first, first.thinkingBlocks()))));

    assertThat(second.content()).isEqualTo("echo: result 42");
    JsonNode assistant = upstream.lastRequest().json().at("/messages/1/content");
    assertThat(assistant.get(0)).isEqualTo(first.thinkingBlocks().get(0));
    assertThat(assistant.get(1)).isEqualTo(first.thinkingBlocks().get(1));
    assertThat(assistant.at("/2/type").asText()).isEqualTo("tool_use");
  }

  @Test
  void stream_toolLoopSendingStreamedThinkingBlocksBack_secondTurnAccepted() throws Exception {
    upstream.replyToolCall("mul", "{\"a\":6,\"b\":7}");
    ChatResult first = await(backend.stream(thinking(List.of(ChatMessage.of("user", "6*7?"))), d -> {}).done());

    ChatResult second = await(backend.stream(thinking(secondTurn(first, first.thinkingBlocks())), d -> {}).done());

    assertThat(second.content()).isEqualTo("echo: result 42");
    assertThat(upstream.lastRequest().json().at("/messages/1/content/0/signature").asText())
        .isEqualTo(first.thinkingBlocks().at("/0/signature").asText());
  }

  @Test
  void chat_toolLoopWithoutThinkingBlocks_refusedAsAnthropicDoes() throws Exception {
    upstream.replyToolCall("mul", "{\"a\":6,\"b\":7}");
    ChatResult first = await(backend.chat(thinking(List.of(ChatMessage.of("user", "6*7?")))));

    Throwable failure = failureOf(backend.chat(thinking(secondTurn(first, null))));

    assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(failure.getMessage()).contains("Expected `thinking` or `redacted_thinking`, but found `tool_use`");
  }

  @Test
  void chat_toolLoopWithAlteredThinking_refusedForItsSignature() throws Exception {
    upstream.replyToolCall("mul", "{\"a\":6,\"b\":7}");
    ChatResult first = await(backend.chat(thinking(List.of(ChatMessage.of("user", "6*7?")))));
    ArrayNode altered = first.thinkingBlocks().deepCopy();
    ((ObjectNode) altered.get(0)).put("thinking", "something else");

    Throwable failure = failureOf(backend.chat(thinking(secondTurn(first, altered))));

    assertThat(((LlmException) failure).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(failure.getMessage()).contains("Invalid `signature` in `thinking` block");
  }

  private static int indexOfField(List<JsonNode> fragments, String field) {
    for (int i = 0; i < fragments.size(); i++) {
      if (fragments.get(i).has(field)) {
        return i;
      }
    }
    return -1;
  }

  /** The user's question, the model's tool call with these thinking blocks, and the tool's answer. */
  private static List<ChatMessage> secondTurn(ChatResult first, JsonNode thinkingBlocks) {
    String id = first.toolCalls().at("/0/id").asText();
    return List.of(ChatMessage.of("user", "6*7?"),
        new ChatMessage("assistant", null, null, false, first.toolCalls(), null, thinkingBlocks),
        new ChatMessage("tool", TextNode.valueOf("42"), null, false, null, id));
  }

  private static ChatCall thinking(List<ChatMessage> messages) {
    return new ChatCall("req-1", messages, new ChatOptions(null, null, null, List.of(), null, Map.of(
        "tools", TestJson.parse(ClaudeWireTest.TOOLS),
        "thinking", TestJson.parse("{\"type\": \"enabled\", \"budget_tokens\": 1024}"))));
  }
}
