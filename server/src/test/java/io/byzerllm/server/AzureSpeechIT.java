package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.testkit.FakeAzureSpeechServer;
import io.byzerllm.testkit.RecordedRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code saas/azure} through a node: speech as SSML, byzerllm's speech-in-a-chat, refusals and the provider's errors. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AzureSpeechIT {
  private static final String KEY = "azure-key-0b7c";
  @RegisterExtension static final ProviderNode<FakeAzureSpeechServer> NODE = ProviderNode.of(() -> FakeAzureSpeechServer.start().requireApiKey(KEY))
      .deploying(u -> NodeCalls.saasDeployment("voice", "saas/azure", u.baseUrl(), 1, 4, Map.of("saas.api_key", KEY, "saas.service_region", "westus2", "saas.max_retries", "0")));

  private static FakeAzureSpeechServer upstream() {
    return NODE.upstream();
  }

  @Test
  void speech_textWithXmlSpecials_escapedInSsmlAndAnsweredAsMp3() throws Exception {
    HttpResponse<byte[]> r = NODE.calls().postForBytes("/v1/audio/speech",
        "{\"model\": \"voice\", \"input\": \"a<b & 'c'\", \"voice\": \"en-US-AriaNeural\"}");

    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("audio/mpeg");
    assertThat(r.body()).isEqualTo(FakeAzureSpeechServer.audioFor("en-US-AriaNeural", "en-US", "1", "a<b & 'c'"));
    RecordedRequest sent = upstream().lastRequest();
    assertThat(sent.header("Ocp-Apim-Subscription-Key")).isEqualTo(KEY);
    assertThat(sent.header("X-Microsoft-OutputFormat")).isEqualTo("audio-24khz-48kbitrate-mono-mp3");
    assertThat(sent.body()).contains("a&lt;b &amp; &apos;c&apos;");
  }

  @Test
  void chat_byzerllmSpeechMessage_contentIsBase64OfTheAudio() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions",
        NodeCalls.chat("voice", "[{\"input\": \"你好\", \"voice\": \"zh-CN-YunxiNeural\"}]", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(Base64.getDecoder().decode(content(r)))
        .isEqualTo(FakeAzureSpeechServer.audioFor("zh-CN-YunxiNeural", "zh-CN", "1", "你好"));
  }

  @Test
  void speech_unknownVoice_400ThatSaysWhatTheEmptyBodyMeans() throws Exception {
    HttpResponse<byte[]> r = NODE.calls().postForBytes("/v1/audio/speech",
        "{\"model\": \"voice\", \"input\": \"hi\", \"voice\": \"nova\"}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("unknown voice").doesNotContain(KEY);
  }

  @Test
  void images_onASpeechModel_400NamingSpeech() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/images/generations", "{\"model\": \"voice\", \"prompt\": \"a cat\"}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("cannot do image").contains("it can do speech");
  }

  @Test
  void deployment_stat_showsRegionAndVoiceButNotTheKey() throws Exception {
    String shown = NODE.calls().deployment("voice").toString();

    assertThat(shown).contains("westus2").contains("zh-CN-XiaoxiaoNeural").doesNotContain(KEY);
  }
}
