package io.byzerllm.worker.saas;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.ImageResult;
import io.byzerllm.worker.SpeechCall;
import io.byzerllm.worker.SpeechResult;
import io.byzerllm.worker.TranscriptionCall;
import io.byzerllm.worker.TranscriptionResult;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Azure OpenAI ({@code saas/azure_openai}): OpenAI's bodies and answers at Azure's URLs,
 * {@code {saas.azure_endpoint}/openai/deployments/{saas.azure_deployment}/<endpoint>?api-version={saas.api_version}},
 * with the key in an {@code api-key} header. Every capability goes to the one deployment, as
 * byzerllm's {@code AzureOpenAI} client does. Azure's errors are OpenAI-shaped with a {@code code}
 * ({@code content_filter}, {@code DeploymentNotFound}, {@code 429}), kept in the message.
 */
final class AzureOpenAiWire implements WireFormat {
  // Azure deployment names: letters, digits, '-', '_' and '.'; anything else would change the URL's meaning.
  private static final Pattern DEPLOYMENT = Pattern.compile("[A-Za-z0-9._-]+");
  private final OpenAiWire openAi;
  private final UpstreamSettings upstream;
  private final String deployment;
  private final String apiVersion;
  private final String deploymentPath;
  private final String query;

  AzureOpenAiWire(ModelSpec spec) {
    if (spec.param("saas.base_url", null) != null) {
      throw new InvalidSpecException("saas/azure_openai takes saas.azure_endpoint (https://<resource>.openai.azure.com), "
          + "not saas.base_url; remove saas.base_url");
    }
    String endpoint = required(spec, "saas.azure_endpoint", "https://<resource>.openai.azure.com");
    deployment = required(spec, "saas.azure_deployment", "the deployment's name in Azure AI Foundry, e.g. gpt-4o");
    apiVersion = required(spec, "saas.api_version", "e.g. 2024-10-21");
    if (!DEPLOYMENT.matcher(deployment).matches()) {
      throw new InvalidSpecException("saas.azure_deployment must be a deployment name of letters, digits, '-', '_' or '.' "
          + "(got '" + deployment + "')");
    }
    if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      throw new InvalidSpecException("saas.azure_endpoint must be an https URL such as https://<resource>.openai.azure.com "
          + "(got '" + endpoint + "')");
    }
    upstream = UpstreamSettings.from(spec, endpoint, deployment);
    String model = upstream.model();
    // Azure routes by the deployment in the URL; the model in the body is informational, the same for every endpoint.
    openAi = new OpenAiWire(new OpenAiSettings(upstream, model, model, model, model, false));
    deploymentPath = "/openai/deployments/" + deployment;
    query = "?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8);
  }

  private static String required(ModelSpec spec, String name, String example) {
    String v = spec.param(name, null);
    if (v == null || v.isBlank()) {
      throw new InvalidSpecException("saas/azure_openai needs --infer_params " + name + "=... (" + example + ")");
    }
    return v.trim();
  }

  /** The OpenAI request at this deployment's URL for the same endpoint. */
  private WireRequest atDeployment(WireRequest r) {
    return new WireRequest(deploymentPath + r.path() + query, r.contentType(), r.accept(), r.body());
  }

  @Override
  public String engine() {
    return "azure-openai";
  }

  @Override
  public UpstreamSettings settings() {
    return upstream;
  }

  @Override
  public void authorize(HttpRequest.Builder request, String apiKey) {
    if (apiKey != null) {
      request.header("api-key", apiKey);
    }
  }

  @Override
  public WireRequest chat(ChatCall call, boolean stream) {
    return atDeployment(openAi.chat(call, stream));
  }

  @Override
  public ChatResult readChat(String requestId, byte[] body) {
    return openAi.readChat(requestId, body);
  }

  @Override
  public ChunkReader chunkReader() {
    return openAi.chunkReader();
  }

  @Override
  public boolean forwardsChat() {
    return true;
  }

  @Override
  public WireRequest forwardChat(byte[] openAiBody, boolean stream) {
    return atDeployment(openAi.forwardChat(openAiBody, stream));
  }

  @Override
  public WireRequest embeddings(EmbeddingCall call) {
    return atDeployment(openAi.embeddings(call));
  }

  @Override
  public EmbeddingResult readEmbeddings(byte[] body) {
    return openAi.readEmbeddings(body);
  }

  @Override
  public WireRequest speech(SpeechCall call) {
    return atDeployment(openAi.speech(call));
  }

  @Override
  public SpeechResult readSpeech(WireAnswer answer, SpeechCall call) {
    return openAi.readSpeech(answer, call);
  }

  @Override
  public WireRequest transcription(TranscriptionCall call) {
    return atDeployment(openAi.transcription(call));
  }

  @Override
  public TranscriptionResult readTranscription(WireAnswer answer) {
    return openAi.readTranscription(answer);
  }

  @Override
  public WireRequest image(ImageCall call) {
    return atDeployment(openAi.image(call));
  }

  @Override
  public ImageResult readImages(byte[] body) {
    return openAi.readImages(body);
  }

  /** Azure's {@code error.code} (e.g. {@code content_filter}) before its message: it says what to change. */
  @Override
  public String errorMessage(byte[] body) {
    return ProviderErrors.withCode(body, "/error/code", "/error/message");
  }

  @Override
  public void describe(Map<String, Object> out) {
    out.put("azure_deployment", deployment);
    out.put("api_version", apiVersion);
  }
}
