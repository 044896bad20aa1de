package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A local Azure OpenAI resource on {@code 127.0.0.1}, as Azure documents its data-plane API: one
 * deployment at {@code /openai/deployments/{deployment}/...} (chat completions with SSE, embeddings,
 * audio speech and transcriptions, image generations; OpenAI's bodies), an {@code api-version}
 * query parameter on every call, the key in an {@code api-key} header, and Azure's error bodies
 * {@code {"error":{"code","message"}}} ({@code 401}, {@code DeploymentNotFound}, {@code 404} for an
 * unknown API version, {@code content_filter} with its {@code innererror}).
 *
 * <p>With nothing queued, chat answers {@code "echo: " + <last user message>}. Scripting,
 * recording and counting are {@link FakeUpstream}'s.
 */
public final class FakeAzureOpenAiServer extends FakeUpstream<FakeAzureOpenAiServer> {
  private static final String DEPLOYMENTS = "/openai/deployments/";
  private final String deployment;
  private final String apiVersion;
  private final AtomicBoolean contentFilterNext = new AtomicBoolean();

  private FakeAzureOpenAiServer(String deployment, String apiVersion) {
    super("fake-azure-openai");
    this.deployment = deployment;
    this.apiVersion = apiVersion;
  }

  /** A resource with one deployment that answers only calls made with this {@code api-version}. */
  public static FakeAzureOpenAiServer start(String deployment, String apiVersion) {
    return new FakeAzureOpenAiServer(deployment, apiVersion);
  }

  /** {@code http://127.0.0.1:PORT}, what {@code saas.azure_endpoint} should be. */
  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** The next chat is refused as Azure's content filter refuses a prompt: 400, code {@code content_filter}. */
  public FakeAzureOpenAiServer contentFilterNext() {
    contentFilterNext.set(true);
    return this;
  }

  @Override
  boolean isChat(FakeExchange ex) {
    return ex.path().endsWith("/chat/completions");
  }

  /** Azure's 401: a key in {@code api-key} (a key sent as {@code Authorization: Bearer} is not one). */
  @Override
  boolean authorized(FakeExchange ex) throws IOException {
    String key = requiredApiKey();
    if (key == null || key.equals(ex.header("api-key"))) {
      return true;
    }
    ex.sendJson(401, azureError("401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure "
        + "to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."),
        Map.of());
    return false;
  }

  @Override
  JsonNode errorBody(int status, String message) {
    return azureError(String.valueOf(status), message);
  }

  private static ObjectNode azureError(String code, String message) {
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    root.putObject("error").put("code", code).put("message", message);
    return root;
  }

  @Override
  void route(FakeExchange ex, Script script) throws IOException, InterruptedException {
    String path = ex.path();
    if (!path.startsWith(DEPLOYMENTS) || !ex.query().contains("api-version=" + apiVersion)) {
      ex.sendJson(404, azureError("404", "Resource not found"), Map.of()); // Azure's answer to a missing or unknown api-version
      return;
    }
    String rest = path.substring(DEPLOYMENTS.length());
    int slash = rest.indexOf('/');
    if (slash < 0 || !rest.substring(0, slash).equals(deployment)) {
      ex.sendJson(404, azureError("DeploymentNotFound", "The API deployment for this resource does not exist. If you "
          + "created the deployment within the last 5 minutes, please wait a moment and try again."), Map.of());
      return;
    }
    switch (rest.substring(slash)) {
      case "/chat/completions" -> chat(ex, script);
      case "/embeddings" -> MediaAnswers.embeddings(ex, embeddingDimension(), false);
      case "/audio/speech" -> MediaAnswers.speech(ex);
      case "/audio/transcriptions" -> MediaAnswers.transcription(ex, ex.form());
      case "/images/generations" -> MediaAnswers.images(ex);
      default -> ex.sendJson(404, azureError("404", "Resource not found"), Map.of());
    }
  }

  private void chat(FakeExchange ex, Script script) throws IOException, InterruptedException {
    JsonNode req = ex.json();
    if (!req.path("messages").isArray() || req.path("messages").isEmpty()) {
      ex.sendJson(400, azureError("BadRequest", "'messages' is a required property"), Map.of());
      return;
    }
    if (contentFilterNext.getAndSet(false)) {
      ex.sendJson(400, contentFilter(), Map.of());
      return;
    }
    ChatAnswers.answer(ex, ChatAnswers.plan(req, script, reasoning(), chunkDelay()));
  }

  /** Azure's refusal of a prompt its content filter flags, innererror included. */
  private static ObjectNode contentFilter() {
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", "The response was filtered due to the prompt triggering Azure OpenAI's content management "
        + "policy. Please modify your prompt and retry.");
    error.putNull("type");
    error.put("param", "prompt");
    error.put("code", "content_filter");
    error.put("status", 400);
    ObjectNode inner = error.putObject("innererror");
    inner.put("code", "ResponsibleAIPolicyViolation");
    ObjectNode result = inner.putObject("content_filter_result");
    for (String category : new String[] {"hate", "self_harm", "sexual", "violence"}) {
      boolean flagged = category.equals("violence");
      result.putObject(category).put("filtered", flagged).put("severity", flagged ? "high" : "safe");
    }
    return root;
  }
}
