package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.testkit.FakeSiliconFlowServer;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code saas/siliconflow} through a node: images fetched from the provider's links, byzerllm's image-in-a-chat, errors. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SiliconFlowImageIT {
  private static final String KEY = "sk-sf-91aa";
  @RegisterExtension static final ProviderNode<FakeSiliconFlowServer> NODE = ProviderNode.of(() -> FakeSiliconFlowServer.start().requireApiKey(KEY))
      .deploying(u -> NodeCalls.saasDeployment("draw", "saas/siliconflow", u.baseUrl(), 1, 4, Map.of("saas.api_key", KEY, "saas.max_retries", "0")));

  private static FakeSiliconFlowServer upstream() {
    return NODE.upstream();
  }

  @Test
  void images_twoAsked_bothAsBase64PngsFetchedFromTheLinks() throws Exception {
    int downloadsBefore = upstream().imageDownloads();

    HttpResponse<String> r = NODE.calls().post("/v1/images/generations",
        "{\"model\": \"draw\", \"prompt\": \"a red dot\", \"n\": 2, \"size\": \"512x512\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode data = json(r).path("data");
    assertThat(data).hasSize(2);
    for (JsonNode image : data) {
      assertThat(Base64.getDecoder().decode(image.path("b64_json").asText())).isEqualTo(FakeSiliconFlowServer.png());
    }
    assertThat(upstream().imageDownloads() - downloadsBefore).isEqualTo(2);
    JsonNode sent = upstream().requests().stream().filter(q -> q.method().equals("POST")).reduce((a, b) -> b).orElseThrow().json();
    assertThat(sent.path("model").asText()).isEqualTo("up-draw");
    assertThat(sent.path("image_size").asText()).isEqualTo("512x512");
    assertThat(sent.path("batch_size").asInt()).isEqualTo(2);
  }

  @Test
  void chat_byzerllmImageMessage_contentIsTheFirstImagesBase64() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", NodeCalls.chat("draw", "{\"input\": \"a cat\"}", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(Base64.getDecoder().decode(content(r))).isEqualTo(FakeSiliconFlowServer.png());
  }

  @Test
  void images_expiredLink_502NamingTheImageFetch() throws Exception {
    upstream().expiredLinks(true);
    try {
      HttpResponse<String> r = NODE.calls().post("/v1/images/generations", "{\"model\": \"draw\", \"prompt\": \"x\"}");

      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(json(r).at("/error/message").asText()).contains("fetching it from 127.0.0.1 failed");
    } finally {
      upstream().expiredLinks(false);
    }
  }

  @Test
  void images_badSize_400WithTheProvidersMessage() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/images/generations",
        "{\"model\": \"draw\", \"prompt\": \"x\", \"size\": \"big\"}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("image_size must be WIDTHxHEIGHT").doesNotContain(KEY);
  }

  @Test
  void speech_onAnImageModel_400NamingImage() throws Exception {
    HttpResponse<byte[]> r = NODE.calls().postForBytes("/v1/audio/speech", "{\"model\": \"draw\", \"input\": \"hi\"}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body())).contains("cannot do speech").contains("it can do image");
  }
}
