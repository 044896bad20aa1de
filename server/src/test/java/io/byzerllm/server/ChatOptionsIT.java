package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.JSON;
import static io.byzerllm.server.NodeCalls.chat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.RecordedRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** byzerllm's llm_config keys and OpenAI's own options, as the provider receives them. */
class ChatOptionsIT {
  @RegisterExtension static final SaasNode NODE = SaasNode.deploying("chat", 1, 2);

  @Test
  void chat_maxLength_reachesTheProviderAsMaxTokens() throws Exception {
    JsonNode sent = sentFor("""
        {"model": "chat", "max_length": 321, "messages": [{"role": "user", "content": "max length"}]}""");

    assertThat(sent.path("max_tokens").asInt()).isEqualTo(321);
    assertThat(sent.has("max_length")).isFalse();
  }

  @Test
  void chat_noMaxTokens_noneIsSent() throws Exception {
    JsonNode sent = sentFor(chat("chat", "no limit given", false));

    assertThat(sent.has("max_tokens")).as(sent.toString()).isFalse();
    assertThat(sent.has("max_completion_tokens")).isFalse();
  }

  @Test
  void chat_genStop_reachesTheProviderAsStop() throws Exception {
    JsonNode sent = sentFor("""
        {"model": "chat", "gen.stop": ["<END>", "\\n\\n"], "messages": [{"role": "user", "content": "stop words"}]}""");

    assertThat(sent.path("stop")).isEqualTo(JSON.readTree("[\"<END>\", \"\\n\\n\"]"));
    assertThat(sent.has("gen.stop")).isFalse();
  }

  @Test
  void chat_genResponsePrefixWithTrailingAssistant_sendsPrefixTrueOnIt() throws Exception {
    JsonNode sent = sentFor("""
        {"model": "chat", "gen.response_prefix": true, "messages": [
          {"role": "user", "content": "write a haiku"},
          {"role": "assistant", "content": "Autumn moonlight"}]}""");

    JsonNode messages = sent.path("messages");
    assertThat(messages.size()).isEqualTo(2);
    assertThat(messages.get(0).has("prefix")).isFalse();
    assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(1).path("content").asText()).isEqualTo("Autumn moonlight");
    assertThat(messages.get(1).path("prefix").asBoolean()).isTrue();
    assertThat(sent.has("response_prefix")).isFalse();
  }

  @Test
  void chat_fieldsWeDoNotInterpret_passThrough() throws Exception {
    JsonNode sent = sentFor("""
        {"model": "chat", "seed": 42, "response_format": {"type": "json_object"}, "presence_penalty": 0.5,
         "messages": [{"role": "user", "content": "pass through"}]}""");

    assertThat(sent.path("seed").asInt()).isEqualTo(42);
    assertThat(sent.path("response_format")).isEqualTo(JSON.readTree("{\"type\": \"json_object\"}"));
    assertThat(sent.path("presence_penalty").asDouble()).isEqualTo(0.5);
  }

  @Test
  void chat_genModel_overridesTheUpstreamModelForOneCall() throws Exception {
    JsonNode overridden = sentFor("""
        {"model": "chat", "gen.model": "other-upstream-model", "messages": [{"role": "user", "content": "override"}]}""");
    JsonNode plain = sentFor(chat("chat", "default model", false));

    assertThat(overridden.path("model").asText()).isEqualTo("other-upstream-model");
    assertThat(plain.path("model").asText()).isEqualTo("up-chat");
  }

  /** Sends the chat request, checks it succeeded, and answers the body the provider received for it. */
  private static JsonNode sentFor(String body) throws Exception {
    NODE.upstream().clearRequests();

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<RecordedRequest> sent = NODE.upstream().requests();
    assertThat(sent).hasSize(1);
    return sent.get(0).json();
  }
}
