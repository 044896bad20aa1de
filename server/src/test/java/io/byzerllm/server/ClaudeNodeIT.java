package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.testkit.FakeClaudeServer;
import io.byzerllm.testkit.FakeUpstream;
import java.util.Map;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code saas/claude} behind a node, against a fake that speaks and checks Anthropic's Messages API. */
@Timeout(120)
class ClaudeNodeIT extends ProviderNodeContract {
  static final String KEY = "sk-ant-test-claude-node-it-8c1d";
  @RegisterExtension static final ProviderNode<FakeClaudeServer> NODE = ProviderNode.of(() -> FakeClaudeServer.start().requireApiKey(KEY))
      .deploying(u -> NodeCalls.saasDeployment(MODEL, "saas/claude", u.baseUrl(), 1, 4, Map.of("saas.api_key", KEY, "saas.max_retries", "0")));

  @Override
  ProviderNode<?> node() {
    return NODE;
  }

  @Override
  FakeUpstream<?> fake() {
    return NODE.upstream();
  }

  @Override
  String providerErrorType(int status) {
    return status == 429 ? "rate_limit_error" : "invalid_request_error";
  }

  @Test
  void chat_overloaded529_is503WithAnthropicsMessage() throws Exception {
    fake().failNext(529, "Overloaded");

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", NodeCalls.chat(MODEL, "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(json(r).at("/error/message").asText()).contains("overloaded_error: Overloaded");
  }

  @Test
  void chat_systemAndPrefill_reachClaudeAsSystemAndAFinalAssistantTurn() throws Exception {
    String body = """
        {"model": "prov", "gen.response_prefix": true, "messages": [
          {"role": "system", "content": "answer in JSON"},
          {"role": "user", "content": "give me an object"},
          {"role": "assistant", "content": "{"}]}""";

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(sent().json().path("system").asText()).isEqualTo("answer in JSON");
    assertThat(sent().json().at("/messages/1/role").asText()).isEqualTo("assistant");
    assertThat(sent().json().at("/messages/1/content/0/text").asText()).isEqualTo("{");
    assertThat(sent().header("x-api-key")).isEqualTo(KEY);
  }

  @Test
  void chat_toolLoopWithThinking_secondTurnSendsThinkingBlocksBackAndIsAccepted() throws Exception {
    fake().replyToolCall("mul", "{\"a\":6,\"b\":7}");
    ObjectNode request = toolLoopWithThinking(false);
    HttpResponse<String> first = NODE.calls().post("/v1/chat/completions", request.toString());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonNode assistant = json(first).at("/choices/0/message");

    HttpResponse<String> second = NODE.calls().post("/v1/chat/completions", withToolAnswer(request, assistant).toString());

    assertThat(assistant.at("/thinking_blocks/0/signature").asText()).isNotEmpty();
    assertThat(assistant.at("/thinking_blocks/1/type").asText()).isEqualTo("redacted_thinking");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(NodeCalls.content(second)).isEqualTo("echo: result 42");
    assertThat(sent().json().at("/messages/1/content/0")).isEqualTo(assistant.at("/thinking_blocks/0"));
  }

  @Test
  void stream_toolLoopWithThinking_streamedThinkingBlocksRebuiltAndSecondTurnAccepted() throws Exception {
    fake().replyToolCall("mul", "{\"a\":6,\"b\":7}");
    ObjectNode request = toolLoopWithThinking(true);
    HttpResponse<String> first = NODE.calls().post("/v1/chat/completions", request.toString());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    ObjectNode assistant = assistantOf(first);

    HttpResponse<String> second = NODE.calls().post("/v1/chat/completions", withToolAnswer(request, assistant).toString());

    assertThat(assistant.at("/thinking_blocks/0/signature").asText()).isNotEmpty();
    assertThat(assistant.at("/thinking_blocks/1/type").asText()).isEqualTo("redacted_thinking");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(NodeCalls.content(second)).isEqualTo("echo: result 42");
    assertThat(sent().json().at("/messages/1/content/0/signature").asText())
        .isEqualTo(assistant.at("/thinking_blocks/0/signature").asText());
  }

  private static ObjectNode toolLoopWithThinking(boolean stream) {
    ObjectNode request = (ObjectNode) NodeCalls.JSON.valueToTree(Map.of("model", MODEL, "stream", stream));
    request.putArray("messages").addObject().put("role", "user").put("content", "6*7?");
    ObjectNode fn = request.putArray("tools").addObject().put("type", "function").putObject("function")
        .put("name", "mul");
    fn.putObject("parameters").put("type", "object").putObject("properties");
    request.putObject("thinking").put("type", "enabled").put("budget_tokens", 1024);
    return request;
  }

  /** The request again, with the assistant's answer as it came and the tool's result after it. */
  private static ObjectNode withToolAnswer(ObjectNode request, JsonNode assistant) {
    ObjectNode next = request.deepCopy();
    ArrayNode messages = (ArrayNode) next.get("messages");
    messages.add(assistant);
    messages.addObject().put("role", "tool").put("tool_call_id", assistant.at("/tool_calls/0/id").asText())
        .put("content", "42");
    return next;
  }

  /**
   * The assistant message a streaming caller rebuilds from the chunks, as LiteLLM's callers do: tool
   * call fragments joined by index; thinking pieces joined until a fragment brings the block's signature.
   */
  private static ObjectNode assistantOf(HttpResponse<String> sse) throws Exception {
    ObjectNode message = NodeCalls.JSON.createObjectNode().put("role", "assistant").put("content", "");
    ArrayNode calls = message.putArray("tool_calls");
    ArrayNode thinking = message.putArray("thinking_blocks");
    ObjectNode open = null;
    for (String data : NodeCalls.sseData(sse.body())) {
      JsonNode delta = data.equals("[DONE]") ? NodeCalls.JSON.nullNode() : NodeCalls.JSON.readTree(data).at("/choices/0/delta");
      for (JsonNode f : delta.path("tool_calls")) {
        while (calls.size() <= f.path("index").asInt()) {
          calls.addObject().put("type", "function").putObject("function").put("arguments", "");
        }
        ObjectNode call = (ObjectNode) calls.get(f.path("index").asInt());
        if (f.has("id")) {
          call.put("id", f.get("id").asText());
        }
        ObjectNode fn = (ObjectNode) call.get("function");
        if (f.at("/function/name").isTextual()) {
          fn.put("name", f.at("/function/name").asText());
        }
        fn.put("arguments", fn.path("arguments").asText() + f.at("/function/arguments").asText(""));
      }
      for (JsonNode b : delta.path("thinking_blocks")) {
        if (!b.path("type").asText().equals("thinking")) {
          thinking.add(b);
          open = null;
          continue;
        }
        if (open == null) {
          open = thinking.addObject().put("type", "thinking").put("thinking", "");
        }
        open.put("thinking", open.path("thinking").asText() + b.path("thinking").asText());
        if (b.path("signature").isTextual()) {
          open.put("signature", b.get("signature").asText());
          open = null;
        }
      }
    }
    return message;
  }

  @Test
  void embeddings_claudeHasNone_is400NamingWhatItCanDo() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"prov\", \"input\": [\"x\"]}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("saas/claude cannot do embedding")
        .contains("chat, stream, vision");
  }
}
