package io.byzerllm.worker.saas;

import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.Redactor;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * How to talk to an OpenAI-compatible provider: the shared {@link UpstreamSettings} plus the models
 * OpenAI's other endpoints use ({@code saas.embedding_model}, {@code saas.tts_model},
 * {@code saas.stt_model}, {@code saas.image_model}) and whether the type is a reasoning model.
 */
record OpenAiSettings(
    UpstreamSettings upstream,
    String embeddingModel,
    String ttsModel,
    String sttModel,
    String imageModel,
    boolean reasoning) {

  static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  static final String DEFAULT_MODEL = "gpt-4o-mini";
  static final String DEFAULT_STT_MODEL = "whisper-1";

  /** Parses and validates the spec's infer params; every error names the param. */
  static OpenAiSettings from(ModelSpec spec) {
    UpstreamSettings upstream = UpstreamSettings.from(spec, DEFAULT_BASE_URL, DEFAULT_MODEL);
    String model = upstream.model();
    return new OpenAiSettings(upstream,
        spec.param("saas.embedding_model", model),
        spec.param("saas.tts_model", model),
        spec.param("saas.stt_model", DEFAULT_STT_MODEL),
        spec.param("saas.image_model", model),
        spec.pretrainedModelType().reasoning());
  }

  String baseUrl() {
    return upstream.baseUrl();
  }

  String model() {
    return upstream.model();
  }

  Duration timeout() {
    return upstream.timeout();
  }

  String timeoutText() {
    return upstream.timeoutText();
  }

  int maxRetries() {
    return upstream.maxRetries();
  }

  Map<String, String> headers() {
    return upstream.headers();
  }

  Redactor redactor() {
    return upstream.redactor();
  }

  URI endpoint(String path) {
    return upstream.endpoint(path);
  }

  static boolean isLoopback(String baseUrl) {
    return UpstreamSettings.isLoopback(baseUrl);
  }

  @Override
  public String toString() {
    return "OpenAiSettings[" + upstream + ", embeddingModel=" + embeddingModel + ", ttsModel=" + ttsModel
        + ", sttModel=" + sttModel + ", imageModel=" + imageModel + ", reasoning=" + reasoning + "]";
  }
}
