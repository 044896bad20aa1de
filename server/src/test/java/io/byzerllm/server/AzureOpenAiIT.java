package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.testkit.FakeAzureOpenAiServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** saas/azure_openai through a node: every capability at the deployment's URL, and Azure's error shapes. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AzureOpenAiIT {
  private static final String KEY = "azure-key-3b1f9c0d7e2a4b6c";
  private static final String VERSION = "2024-10-21";
  @RegisterExtension static final ProviderNode<FakeAzureOpenAiServer> NODE =
      ProviderNode.of(() -> FakeAzureOpenAiServer.start("gpt4o-prod", VERSION).requireApiKey(KEY).embeddingDimension(6))
          .deploying(u -> ProviderNode.deployment("azure", "saas/azure_openai", 1, 4, Map.of("saas.api_key", KEY,
              "saas.azure_endpoint", u.baseUrl(), "saas.azure_deployment", "gpt4o-prod", "saas.api_version", VERSION,
              "saas.model", "gpt-4o", "saas.max_retries", "0")));

  @Test
  void chat_azureDeployment_answersThroughTheNode() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("azure", "hello azure", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: hello azure");
    assertThat(json(r).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(json(r).at("/usage/prompt_tokens").asInt()).isEqualTo(2);
    assertThat(NODE.upstream().lastRequest().path()).isEqualTo("/openai/deployments/gpt4o-prod/chat/completions");
    assertThat(NODE.upstream().lastRequest().header("api-key")).isEqualTo(KEY);
  }

  @Test
  void stream_azureDeployment_deltasFinishReasonUsageAndDone() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", """
        {"model": "azure", "stream": true, "stream_options": {"include_usage": true},
         "messages": [{"role": "user", "content": "stream from azure"}]}""");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    SseAnswer a = SseAnswer.of(r);
    assertThat(a.content()).isEqualTo("echo: stream from azure");
    assertThat(a.finishReason()).isEqualTo("stop");
    assertThat(a.usage().path("completion_tokens").asInt()).isEqualTo(4);
    assertThat(a.done()).isTrue();
    assertThat(NODE.upstream().lastRequest().json().path("stream").asBoolean()).isTrue();
  }

  @Test
  void embeddings_azureDeployment_vectorsInOrder() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"azure\", \"input\": [\"a\", \"b c\"]}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("data").findValuesAsText("index")).containsExactly("0", "1");
    assertThat(json(r).at("/data/0/embedding").size()).isEqualTo(6);
    assertThat(NODE.upstream().lastRequest().path()).isEqualTo("/openai/deployments/gpt4o-prod/embeddings");
  }

  @Test
  void speech_azureDeployment_audioBytes() throws Exception {
    HttpResponse<byte[]> r = NODE.calls().send(NODE.calls().request("/v1/audio/speech").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"azure\", \"input\": \"good morning\", \"voice\": \"nova\"}")),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("FAKEAUDIO:nova:good morning");
    assertThat(NODE.upstream().lastRequest().path()).isEqualTo("/openai/deployments/gpt4o-prod/audio/speech");
  }

  @Test
  void transcription_azureDeployment_text() throws Exception {
    String boundary = "azure-it-boundary";
    ByteArrayOutputStream form = new ByteArrayOutputStream();
    form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nazure\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
        + "Content-Type: audio/wav\r\n\r\n0123456789\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> r = NODE.calls().send(NODE.calls().request("/v1/audio/transcriptions")
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray())), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("text").asText()).isEqualTo("heard 10 bytes");
    assertThat(NODE.upstream().lastRequest().path()).isEqualTo("/openai/deployments/gpt4o-prod/audio/transcriptions");
  }

  @Test
  void images_azureDeployment_b64Json() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/images/generations", "{\"model\": \"azure\", \"prompt\": \"a red dot\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).at("/data/0/b64_json").asText()).isNotEmpty();
    assertThat(NODE.upstream().lastRequest().path()).isEqualTo("/openai/deployments/gpt4o-prod/images/generations");
  }

  @Test
  void chat_contentFiltered_400WithAzuresCodeAndMessage() throws Exception {
    NODE.upstream().contentFilterNext();

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("azure", "something flagged", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode error = json(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("message").asText()).contains("content_filter: The response was filtered");
  }

  @Test
  void chat_rateLimited_429WithRetryAfterAndNoKey() throws Exception {
    NODE.upstream().failNext(429, "Requests have exceeded token rate limit. Please retry after 6 seconds.",
        Map.of("Retry-After", "6"));

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("azure", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("6");
    assertThat(json(r).at("/error/message").asText()).contains("Please retry after 6 seconds");
    assertThat(r.body()).doesNotContain(KEY);
  }

  @Test
  void chat_imageParts_reachTheDeploymentAsOpenAiParts() throws Exception {
    ObjectNode body = NodeCalls.JSON.createObjectNode().put("model", "azure");
    JsonNode parts = NodeCalls.JSON.readTree("[{\"type\": \"text\", \"text\": \"what is this?\"},"
        + " {\"type\": \"image_url\", \"image_url\": {\"url\": \"https://example.com/cat.png\"}}]");
    body.putArray("messages").addObject().put("role", "user").set("content", parts);

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", body.toString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: what is this?");
    assertThat(NODE.upstream().lastRequest().json().at("/messages/0/content")).isEqualTo(parts);
  }

  @Test
  void stat_azureDeployment_showsDeploymentAndVersionNeverTheKey() throws Exception {
    JsonNode deployment = NODE.calls().deployment("azure");

    JsonNode backend = deployment.at("/workers/0/backend");
    assertThat(backend.path("engine").asText()).isEqualTo("azure-openai");
    assertThat(backend.path("azure_deployment").asText()).isEqualTo("gpt4o-prod");
    assertThat(backend.path("api_version").asText()).isEqualTo(VERSION);
    assertThat(deployment.toString()).doesNotContain(KEY);
  }

  @Test
  void models_azureDeployment_listsEveryCapability() throws Exception {
    HttpResponse<String> r = NODE.calls().get("/v1/models");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"azure\"").doesNotContain(KEY);
    JsonNode model = json(r).path("data").get(0);
    assertThat(model.path("capabilities").toString()).contains("chat", "stream", "embedding", "speech", "transcription", "image");
  }
}
