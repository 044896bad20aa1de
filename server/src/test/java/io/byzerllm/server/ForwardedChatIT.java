package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.json;
import static io.byzerllm.server.NodeCalls.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.RecordedRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * A chat request in OpenAI's own shape goes to an OpenAI-compatible provider as it came (but for
 * the model): fields the node never interprets, such as a tool message's {@code tool_call_id},
 * arrive intact, and the answer carries the node's request id and the deployment's name. A stream's
 * events come back as the provider's bytes with only their id and model rewritten.
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

  private static final String STREAM_WITH_LOGPROBS = """
      {"model": "fwd", "stream": true, "logprobs": true, "seed": 7,
       "messages": [{"role": "user", "content": "count to three"}]}""";

  @Test
  void stream_openAiShaped_providersEventsArriveWithOurIdAndModelAndFieldsWeNeverReadIntact() throws Exception {
    NODE.upstream().clearRequests();

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", STREAM_WITH_LOGPROBS);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<String> data = sseData(r.body());
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    List<JsonNode> chunks = chunks(data);
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    assertThat(chunks).hasSizeGreaterThan(3).allSatisfy(c -> {
      assertThat(c.path("id").asText()).isEqualTo(id);
      assertThat(c.path("model").asText()).isEqualTo("fwd");
      assertThat(c.has("usage")).as("no usage chunk: the caller did not ask for one").isFalse();
    });
    // logprobs: a field the translating path drops (it keeps text, reasoning, tool calls, finish reason, usage)
    assertThat(chunks.get(1).at("/choices/0/logprobs/content/0/token").asText()).isEqualTo(" count");
    assertThat(chunks.get(1).at("/choices/0/logprobs/content/0/logprob").asDouble()).isEqualTo(-0.25);
    assertThat(NodeCalls.content(r)).isEqualTo("echo: count to three");
    JsonNode upstreamBody = NodeCalls.JSON.readTree(NODE.upstream().requests().get(0).body());
    assertThat(upstreamBody.path("model").asText()).isEqualTo("up-fwd");
    assertThat(upstreamBody.at("/stream_options/include_usage").asBoolean()).as("asked to count tokens").isTrue();
    assertThat(upstreamBody.path("seed").asInt()).isEqualTo(7);
  }

  @Test
  void stream_withAByzerllmOption_isTranslatedAndLosesWhatTranslationDoesNotKnow() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions",
        STREAM_WITH_LOGPROBS.replace("\"seed\": 7", "\"max_length\": 50"));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(NodeCalls.content(r)).isEqualTo("echo: count to three");
    assertThat(chunks(sseData(r.body()))).noneMatch(c -> c.at("/choices/0/logprobs").isObject());
  }

  @Test
  void stream_callerAsksForUsage_getsTheProvidersUsageChunkBeforeDone() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", """
        {"model": "fwd", "stream": true, "stream_options": {"include_usage": true},
         "messages": [{"role": "user", "content": "how many tokens"}]}""");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> data = sseData(r.body());
    JsonNode usageChunk = NodeCalls.JSON.readTree(data.get(data.size() - 2));
    assertThat(usageChunk.path("choices").size()).isZero();
    assertThat(usageChunk.at("/usage/completion_tokens").asInt()).isPositive();
    assertThat(usageChunk.path("id").asText()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
  }

  @Test
  void stream_providerRefusesTheKeyBeforeTheFirstEvent_401WithItsMessage() throws Exception {
    NODE.upstream().failNext(401, "Incorrect API key provided");

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", STREAM_WITH_LOGPROBS);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(json(r).at("/error/message").asText()).contains("Incorrect API key provided");
  }

  private static List<JsonNode> chunks(List<String> data) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String d : data) {
      if (!d.equals("[DONE]")) {
        out.add(NodeCalls.JSON.readTree(d));
      }
    }
    return out;
  }
}
