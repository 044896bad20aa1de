package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

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
  void embeddings_claudeHasNone_is400NamingWhatItCanDo() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"prov\", \"input\": [\"x\"]}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("saas/claude cannot do embedding")
        .contains("chat, stream, vision");
  }
}
