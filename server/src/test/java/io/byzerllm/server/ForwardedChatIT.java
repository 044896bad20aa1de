package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.RecordedRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * A chat request in OpenAI's own shape goes to an OpenAI-compatible provider as it came (but for
 * the model): fields the node never interprets, such as a tool message's {@code tool_call_id},
 * arrive intact, and the answer carries the node's request id and the deployment's name.
 */
@Timeout(60)
class ForwardedChatIT {
  @RegisterExtension static final SaasNode NODE = SaasNode.deploying("fwd", 1, 4);

  @Test
  void chat_openAiShaped_reachesTheProviderAsSentButForTheModel() throws Exception {
    NODE.upstream().clearRequests();
    String body = """
        {"model": "fwd", "seed": 42, "logit_bias": {"50256": -100},
         "messages": [{"role": "user", "content": "what is 6*7"},
                      {"role": "assistant", "content": null,
                       "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "mul", "arguments": "{}"}}]},
                      {"role": "tool", "tool_call_id": "call_1", "content": "42"}]}""";

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode answer = json(r);
    assertThat(answer.path("model").asText()).isEqualTo("fwd");
    assertThat(answer.path("id").asText()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
    assertThat(answer.at("/choices/0/message/content").asText()).isNotEmpty();
    List<RecordedRequest> sent = NODE.upstream().requests();
    assertThat(sent).hasSize(1);
    JsonNode upstreamBody = NodeCalls.JSON.readTree(sent.get(0).body());
    assertThat(upstreamBody.path("model").asText()).isEqualTo("up-fwd");
    assertThat(upstreamBody.at("/messages/2/tool_call_id").asText()).isEqualTo("call_1");
    assertThat(upstreamBody.at("/messages/1/tool_calls/0/id").asText()).isEqualTo("call_1");
    assertThat(upstreamBody.path("seed").asInt()).isEqualTo(42);
    assertThat(upstreamBody.at("/logit_bias/50256").asInt()).isEqualTo(-100);
  }

  @Test
  void chat_withByzerllmOptions_isTranslatedAsBefore() throws Exception {
    NODE.upstream().clearRequests();

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions",
        "{\"model\": \"fwd\", \"max_length\": 12, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode upstreamBody = NodeCalls.JSON.readTree(NODE.upstream().requests().get(0).body());
    assertThat(upstreamBody.path("max_tokens").asInt()).isEqualTo(12);
    assertThat(upstreamBody.has("max_length")).isFalse();
  }
}
