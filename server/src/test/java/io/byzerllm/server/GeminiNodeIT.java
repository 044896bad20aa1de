package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.FakeGeminiServer;
import io.byzerllm.testkit.FakeUpstream;
import java.util.Map;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code saas/gemini} behind a node, against a fake that speaks and checks Google's Gemini API. */
@Timeout(120)
class GeminiNodeIT extends ProviderNodeContract {
  static final String KEY = "AIzaTestGeminiNodeIt5e7f9a";
  @RegisterExtension static final ProviderNode<FakeGeminiServer> NODE = ProviderNode.of(() -> FakeGeminiServer.start().requireApiKey(KEY))
      .deploying(u -> NodeCalls.saasDeployment(MODEL, "saas/gemini", u.baseUrl(), 1, 4, Map.of("saas.api_key", KEY, "saas.max_retries", "0", "saas.model", "gemini-2.0-flash")));

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
    return status == 429 ? "RESOURCE_EXHAUSTED" : "INVALID_ARGUMENT";
  }

  @Test
  void embeddings_batch_answerOpenAiShapedVectorsInOrder() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings",
        "{\"model\": \"prov\", \"input\": [\"alpha\", \"beta\"], \"dimensions\": 5}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode data = json(r).path("data");
    assertThat(data).hasSize(2);
    assertThat(data.at("/0/embedding")).hasSize(5);
    assertThat(data.at("/1/index").asInt()).isEqualTo(1);
    assertThat(sent().path()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
    assertThat(sent().header("x-goog-api-key")).isEqualTo(KEY);
  }

  @Test
  void stream_usesGooglesSsePath() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", NodeCalls.chat(MODEL, "hi", true));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(sent().path()).isEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent");
  }
}
