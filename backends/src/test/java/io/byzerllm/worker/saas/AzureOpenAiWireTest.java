package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;
import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static io.byzerllm.worker.saas.TestBackends.userSays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.testkit.FakeAzureOpenAiServer;
import io.byzerllm.testkit.RecordedRequest;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ForwardedAnswer;
import io.byzerllm.worker.ForwardedChat;
import io.byzerllm.worker.ModelBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AzureOpenAiWireTest {
  private static final String VERSION = "2024-10-21";
  private final FakeAzureOpenAiServer azure = FakeAzureOpenAiServer.start("gpt4o-prod", VERSION).requireApiKey(TEST_KEY);

  @AfterEach
  void stop() {
    azure.close();
  }

  private ModelBackend open(String... more) {
    String[] params = new String[more.length + 5];
    params[0] = "saas.base_url=";
    params[1] = "saas.azure_endpoint=" + azure.baseUrl();
    params[2] = "saas.azure_deployment=gpt4o-prod";
    params[3] = "saas.api_version=" + VERSION;
    params[4] = "saas.model=gpt-4o";
    System.arraycopy(more, 0, params, 5, more.length);
    return TestBackends.open(ModelType.SAAS_AZURE_OPENAI, azure, params);
  }

  @Test
  void chat_deployment_postsToTheDeploymentUrlWithApiKeyHeader() throws Exception {
    try (ModelBackend backend = open()) {

      ChatResult r = await(backend.chat(userSays("hello azure")));

      assertThat(r.content()).isEqualTo("echo: hello azure");
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.usage().promptTokens()).isEqualTo(2);
      RecordedRequest sent = azure.lastRequest();
      assertThat(sent.path()).isEqualTo("/openai/deployments/gpt4o-prod/chat/completions");
      assertThat(sent.header("api-key")).isEqualTo(TEST_KEY);
      assertThat(sent.header("Authorization")).isNull();
      assertThat(sent.json().path("messages").get(0).path("content").asText()).isEqualTo("hello azure");
    }
  }

  @Test
  void stream_deployment_deliversDeltasUsageAndFinishReason() throws Exception {
    List<ChatDelta> deltas = new CopyOnWriteArrayList<>();
    try (ModelBackend backend = open()) {

      ChatResult r = await(backend.stream(userSays("stream to me"), deltas::add).done());

      assertThat(deltas.stream().map(ChatDelta::content).filter(c -> c != null).toList())
          .containsExactly("echo:", " stream", " to", " me");
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.usage().completionTokens()).isEqualTo(4);
      assertThat(azure.lastRequest().json().path("stream").asBoolean()).isTrue();
    }
  }

  @Test
  void forwardChat_openAiBody_goesToTheDeploymentWithTheModelSwapped() throws Exception {
    try (ModelBackend backend = open()) {
      byte[] body = "{\"model\":\"ours\",\"messages\":[{\"role\":\"user\",\"content\":\"as bytes\"}],\"seed\":7}"
          .getBytes(StandardCharsets.UTF_8);

      ForwardedAnswer a = await(backend.forwardChat(new ForwardedChat("req-9", "ours", body)));

      assertThat(new String(a.body(), StandardCharsets.UTF_8)).contains("echo: as bytes").contains("\"id\":\"req-9\"");
      assertThat(azure.lastRequest().path()).isEqualTo("/openai/deployments/gpt4o-prod/chat/completions");
      assertThat(azure.lastRequest().json().path("model").asText()).isEqualTo("gpt-4o");
      assertThat(azure.lastRequest().json().path("seed").asInt()).isEqualTo(7);
    }
  }

  @Test
  void embed_texts_vectorsInInputOrderFromTheDeployment() throws Exception {
    azure.embeddingDimension(4);
    try (ModelBackend backend = open()) {

      EmbeddingResult r = await(backend.embed(EmbeddingCall.of(List.of("one", "two"))));

      assertThat(r.vectors()).hasSize(2);
      assertThat(r.vectors().get(0)).hasSize(4);
      assertThat(r.vectors().get(0)).isNotEqualTo(r.vectors().get(1));
      assertThat(azure.lastRequest().path()).isEqualTo("/openai/deployments/gpt4o-prod/embeddings");
    }
  }

  @Test
  void chat_contentFilter_400WithAzuresCodeAndMessage() throws Exception {
    azure.contentFilterNext();
    try (ModelBackend backend = open()) {

      Throwable failure = failureOf(backend.chat(userSays("something flagged")));

      LlmException e = (LlmException) failure;
      assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).contains("content_filter: The response was filtered due to the prompt triggering "
          + "Azure OpenAI's content management policy");
    }
  }

  @Test
  void chat_rateLimited_429WithRetryAfter() throws Exception {
    azure.failNext(429, "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 "
        + "have exceeded token rate limit. Please retry after 6 seconds.", Map.of("Retry-After", "6"));
    try (ModelBackend backend = open("saas.max_retries=0")) {

      Throwable failure = failureOf(backend.chat(userSays("hi")));

      assertThat(failure).isInstanceOf(OverloadedException.class);
      assertThat(((OverloadedException) failure).retryAfter()).isEqualTo(Duration.ofSeconds(6));
      assertThat(failure.getMessage()).contains("Please retry after 6 seconds").doesNotContain("429: 429:");
    }
  }

  @Test
  void chat_wrongKey_401WithoutTheKey() throws Exception {
    azure.requireApiKey("another-key-entirely");
    try (ModelBackend backend = open()) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hi")));

      assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(e.getMessage()).contains("Access denied due to invalid subscription key").doesNotContain(TEST_KEY);
    }
  }

  @Test
  void chat_unknownDeployment_404DeploymentNotFound() throws Exception {
    try (ModelBackend backend = TestBackends.open(ModelType.SAAS_AZURE_OPENAI, azure, "saas.base_url=",
        "saas.azure_endpoint=" + azure.baseUrl(), "saas.azure_deployment=gpt4o-typo", "saas.api_version=" + VERSION)) {

      LlmException e = (LlmException) failureOf(backend.chat(userSays("hi")));

      assertThat(e.status()).isEqualTo(404);
      assertThat(e.getMessage()).contains("DeploymentNotFound: The API deployment for this resource does not exist");
    }
  }

  @Test
  void open_withoutApiVersion_failsNamingTheParam() {
    assertThatThrownBy(() -> TestBackends.open(ModelType.SAAS_AZURE_OPENAI, azure, "saas.base_url=",
        "saas.azure_endpoint=" + azure.baseUrl(), "saas.azure_deployment=gpt4o-prod"))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("saas.api_version");
  }

  @Test
  void open_withBaseUrl_failsPointingToAzureEndpoint() {
    assertThatThrownBy(() -> TestBackends.open(ModelType.SAAS_AZURE_OPENAI, azure,
        "saas.azure_endpoint=" + azure.baseUrl(), "saas.azure_deployment=gpt4o-prod", "saas.api_version=" + VERSION))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("saas.azure_endpoint");
  }
}
