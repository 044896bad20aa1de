package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.open;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.testkit.FakeSiliconFlowServer;
import io.byzerllm.testkit.RecordedRequest;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.ImageResult;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.SpeechCall;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SiliconFlowImageWireTest {
  private final FakeSiliconFlowServer upstream = FakeSiliconFlowServer.start().requireApiKey(TEST_KEY);

  @AfterEach
  void stop() {
    upstream.close();
  }

  private ModelBackend backend(String... params) {
    String[] all = new String[params.length + 2];
    all[0] = "saas.max_retries=0";
    all[1] = "saas.model=";
    System.arraycopy(params, 0, all, 2, params.length);
    return open(ModelType.SAAS_SILICONFLOW, upstream.baseUrl(), all);
  }

  @Test
  void image_urlAnswers_fetchedAndReturnedAsBase64() throws Exception {
    try (ModelBackend backend = backend()) {

      ImageResult r = await(backend.generateImage(new ImageCall("a red dot", "1024x1024", "standard", 2, null, null,
          Map.of("negative_prompt", TextNode.valueOf("blue"), "response_format", TextNode.valueOf("b64_json")))));

      assertThat(r.images()).hasSize(2);
      for (ImageResult.Image image : r.images()) {
        assertThat(Base64.getDecoder().decode(image.b64Json())).isEqualTo(FakeSiliconFlowServer.png());
      }
      assertThat(upstream.imageDownloads()).isEqualTo(2);
      RecordedRequest generation = upstream.requests().get(0);
      assertThat(generation.path()).isEqualTo("/v1/images/generations");
      assertThat(generation.header("Authorization")).isEqualTo("Bearer " + TEST_KEY);
      JsonNode body = generation.json();
      assertThat(body.path("model").asText()).isEqualTo("black-forest-labs/FLUX.1-dev");
      assertThat(body.path("image_size").asText()).isEqualTo("1024x1024");
      assertThat(body.path("batch_size").asInt()).isEqualTo(2);
      assertThat(body.path("num_inference_steps").asInt()).isEqualTo(20);
      assertThat(body.path("negative_prompt").asText()).isEqualTo("blue");
      assertThat(body.has("response_format")).isFalse();
      RecordedRequest download = upstream.lastRequest();
      assertThat(download.method()).isEqualTo("GET");
      assertThat(download.header("Authorization")).as("the key never goes to an image link").isNull();
    }
  }

  @Test
  void image_linkExpiredBeforeTheFetch_upstreamErrorSayingTheImageCouldNotBeFetched() {
    upstream.expiredLinks(true);
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.generateImage(new ImageCall("x", null, null, 1, null, null, Map.of())));

      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.UPSTREAM);
      assertThat(t.getMessage()).contains("the image was generated but fetching it from 127.0.0.1 failed").contains("404");
      assertThat(upstream.lastRequest().method()).isEqualTo("GET");
    }
  }

  @Test
  void image_badSize_invalidRequestWithProvidersMessage() {
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.generateImage(new ImageCall("x", "huge", null, 1, null, null, Map.of())));

      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
      assertThat(t.getMessage()).contains("image_size must be WIDTHxHEIGHT");
    }
  }

  @Test
  void image_wrongKey_authenticationFromThePlainText401() {
    try (ModelBackend backend = open(ModelType.SAAS_SILICONFLOW, upstream.baseUrl(), "saas.api_key=sk-wrong-77")) {

      Throwable t = failureOf(backend.generateImage(new ImageCall("x", null, null, 1, null, null, Map.of())));

      assertThat(((LlmException) t).kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(t.getMessage()).contains("Invalid token").doesNotContain("sk-wrong-77");
    }
  }

  @Test
  void image_busy429_overloadedWithProvidersMessage() {
    upstream.failNext(429, "System is too busy now. Please try again later.");
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.generateImage(new ImageCall("x", null, null, 1, null, null, Map.of())));

      assertThat(t).isInstanceOf(OverloadedException.class).hasMessageContaining("too busy");
    }
  }

  @Test
  void speech_onAnImageModel_invalidRequestNamingImage() {
    try (ModelBackend backend = backend()) {

      Throwable t = failureOf(backend.speech(new SpeechCall("hi", null, null, null, null, Map.of())));

      assertThat(t.getMessage()).contains("saas/siliconflow cannot do speech; it can do image");
    }
  }
}
