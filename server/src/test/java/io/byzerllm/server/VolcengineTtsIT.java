package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.JSON;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.testkit.FakeVolcengineTtsServer;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code saas/volcengine} through a node: speech, byzerllm's speech-in-a-chat, refusals and the provider's errors. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class VolcengineTtsIT {
  private static final String TOKEN = "volc-token-5e1d";
  @RegisterExtension static final ProviderNode<FakeVolcengineTtsServer> NODE = ProviderNode.of(() -> FakeVolcengineTtsServer.start().requireApiKey(TOKEN))
      .deploying(u -> NodeCalls.saasDeployment("tts", "saas/volcengine", u.baseUrl(), 1, 4, Map.of("saas.api_key", TOKEN, "saas.app_id", "app-7", "saas.max_retries", "0")));

  private static FakeVolcengineTtsServer upstream() {
    return NODE.upstream();
  }

  private static HttpResponse<byte[]> speech(String body) throws Exception {
    return NODE.calls().postForBytes("/v1/audio/speech", body);
  }

  @Test
  void speech_voiceAndFormat_answersTheDecodedAudioWithItsType() throws Exception {
    HttpResponse<byte[]> r = speech("{\"model\": \"tts\", \"input\": \"早上好\", \"voice\": \"BV001_streaming\","
        + " \"response_format\": \"wav\", \"speed\": 1.2}");

    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("audio/wav");
    assertThat(r.body()).isEqualTo(FakeVolcengineTtsServer.audioFor("BV001_streaming", "wav", 1.2, "早上好"));
    assertThat(upstream().lastRequest().json().at("/app/cluster").asText()).isEqualTo("up-tts");
  }

  @Test
  void chat_byzerllmSpeechMessage_contentIsBase64OfTheAudio() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions",
        NodeCalls.chat("tts", "{\"input\": \"你好\", \"voice\": \"BV700_streaming\"}", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(Base64.getDecoder().decode(content(r)))
        .isEqualTo(FakeVolcengineTtsServer.audioFor("BV700_streaming", "mp3", 1.0, "你好"));
  }

  @Test
  void stream_byzerllmSpeechMessage_theAudioArrivesAsOneDelta() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions",
        NodeCalls.chat("tts", "{\"input\": \"streamed\", \"voice\": \"BV700_streaming\", \"chunk_size\": 1024}", true));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(Base64.getDecoder().decode(content(r)))
        .isEqualTo(FakeVolcengineTtsServer.audioFor("BV700_streaming", "mp3", 1.0, "streamed"));
  }

  @Test
  void embeddings_onATtsModel_400NamingWhatItCanDo() throws Exception {
    int before = upstream().requestCount();

    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"tts\", \"input\": \"x\"}");
    HttpResponse<String> chat = NODE.calls().post("/v1/chat/completions", NodeCalls.chat("tts", "plain text", false));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("cannot do embedding").contains("it can do speech");
    assertThat(chat.statusCode()).isEqualTo(400);
    assertThat(json(chat).at("/error/message").asText()).contains("cannot do chat").contains("it can do speech");
    assertThat(upstream().requestCount()).isEqualTo(before);
  }

  @Test
  void models_ttsDeployment_listsSpeechAsItsOnlyCapability() throws Exception {
    HttpResponse<String> r = NODE.calls().get("/v1/models");

    JsonNode tts = null;
    for (JsonNode m : json(r).path("data")) {
      if (m.path("id").asText().equals("tts")) {
        tts = m;
      }
    }
    assertThat(tts).as(r.body()).isNotNull();
    assertThat(tts.path("capabilities").toString()).isEqualTo("[\"speech\"]");
    assertThat(r.body()).doesNotContain(TOKEN);
  }

  @Test
  void speech_textTooLong_400WithTheProvidersCode() throws Exception {
    ObjectNode body = JSON.createObjectNode().put("model", "tts").put("input", "长".repeat(500));

    HttpResponse<byte[]> r = speech(body.toString());

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body())).contains("code 3010").contains("text too long").doesNotContain(TOKEN);
  }

  @Test
  void speech_concurrencyQuota_429WithRetryAfter() throws Exception {
    upstream().failNext(429, "concurrency quota exceeded", Map.of("Retry-After", "4"));

    HttpResponse<byte[]> r = speech("{\"model\": \"tts\", \"input\": \"hi\"}");

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("4");
    assertThat(new String(r.body())).contains("code 3003");
  }

  @Test
  void deploy_withoutAppId_failsNamingTheParam() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/api/deployments", NodeCalls.saasDeployment("tts_no_app", "saas/volcengine",
        upstream().baseUrl(), 1, 1, Map.of("saas.api_key", TOKEN)));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("saas.app_id").doesNotContain(TOKEN);
    assertThat(NODE.calls().get("/api/deployments/tts_no_app").statusCode()).isEqualTo(404);
  }
}
