package io.byzerllm.worker.saas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OpenAiForwardingTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode json(byte[] b) throws Exception {
    return SaasJson.MAPPER.readTree(b);
  }

  @Test
  void request_swapsTheModelAndKeepsEverythingElse() throws Exception {
    String body = """
        {"model":"ds","messages":[{"role":"tool","tool_call_id":"c1","content":"你好 \\"x\\""}],
         "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"temperature":0.5,"seed":7}""";

    JsonNode out = json(OpenAiForwarding.request(utf8(body), "deepseek-chat", false, false));

    assertThat(out.path("model").asText()).isEqualTo("deepseek-chat");
    JsonNode in = json(utf8(body));
    for (String field : new String[] {"messages", "tools", "temperature", "seed"}) {
      assertThat(out.get(field)).as(field).isEqualTo(in.get(field));
    }
  }

  @Test
  void request_reasoningModel_dropsSamplingOptions() throws Exception {
    JsonNode out = json(OpenAiForwarding.request(utf8(
        "{\"model\":\"r\",\"temperature\":1,\"top_p\":0.9,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        "o1", true, false));

    assertThat(out.has("temperature")).isFalse();
    assertThat(out.has("top_p")).isFalse();
    assertThat(out.path("messages").size()).isEqualTo(1);
  }

  @Test
  void request_streamWithoutStreamOptions_asksForTheUsageChunk() throws Exception {
    JsonNode out = json(OpenAiForwarding.request(utf8(
        "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "up", false, true));

    assertThat(out.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(out.path("stream").asBoolean()).isTrue();
    assertThat(out.path("model").asText()).isEqualTo("up");
  }

  @Test
  void request_streamWithUsageTurnedOff_usageOnAndTheCallersOtherStreamOptionsKept() throws Exception {
    JsonNode out = json(OpenAiForwarding.request(utf8("{\"model\":\"m\",\"stream\":true,"
        + "\"stream_options\":{\"include_usage\":false,\"continuous_usage_stats\":true},\"messages\":[]}"), "up", false, true));

    assertThat(out.path("stream_options").size()).isEqualTo(2);
    assertThat(out.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(out.at("/stream_options/continuous_usage_stats").asBoolean()).isTrue();
  }

  @Test
  void request_notAStream_streamOptionsLeftAsTheyCame() throws Exception {
    JsonNode out = json(OpenAiForwarding.request(utf8(
        "{\"model\":\"m\",\"stream_options\":null,\"messages\":[]}"), "up", false, false));

    assertThat(out.path("stream_options").isNull()).isTrue();
  }

  @Test
  void answer_carriesOurIdAndTheDeploymentName() throws Exception {
    String upstream = """
        {"id":"chatcmpl-up","object":"chat.completion","created":1,"model":"deepseek-chat",
         "choices":[{"index":0,"message":{"role":"assistant","content":"好"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""";

    JsonNode out = json(OpenAiForwarding.answer(utf8(upstream), "chatcmpl-ours", "ds"));

    assertThat(out.path("id").asText()).isEqualTo("chatcmpl-ours");
    assertThat(out.path("model").asText()).isEqualTo("ds");
    assertThat(out.at("/choices/0/message/content").asText()).isEqualTo("好");
    assertThat(out.at("/usage/total_tokens").asInt()).isEqualTo(4);
  }

  @Test
  void answer_notJson_isAnUpstreamError() {
    assertThatThrownBy(() -> OpenAiForwarding.answer(utf8("<html>bad gateway</html>"), "id", "m"))
        .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM));
  }
}
