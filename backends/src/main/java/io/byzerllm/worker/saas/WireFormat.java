package io.byzerllm.worker.saas;

import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ErrorKind;
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
import java.net.http.HttpRequest;
import java.util.Map;

/**
 * What one SaaS provider's HTTP API looks like: paths, auth headers, request bodies, how answers,
 * stream events and errors read. A wire knows no threads, HTTP client, retries or deadlines
 * ({@link SaasBackend} and the upstream core own those); it is built once per backend from the
 * spec and is safe to use from many threads. Capabilities the provider lacks keep the defaults,
 * which {@link SaasBackend} never calls (it refuses them first with the model type's capabilities).
 *
 * <p>Read methods throw {@link MalformedAnswer} for a 2xx body they cannot read; the core turns it
 * into an {@code UPSTREAM} error with the secrets redacted.
 */
interface WireFormat {

  /** For {@code stat}: which engine serves the deployment, e.g. {@code anthropic}. */
  String engine();

  /** The shared settings (base URL, key, model, timeout, retries, extra headers) this wire was built with. */
  UpstreamSettings settings();

  /** Adds the provider's credentials to a request, e.g. {@code Authorization: Bearer <key>}; key may be null. */
  void authorize(HttpRequest.Builder request, String apiKey);

  /** {@code Authorization: Bearer <key>}, the scheme most providers use; nothing when there is no key. */
  static void bearer(HttpRequest.Builder request, String apiKey) {
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
  }

  default WireRequest chat(ChatCall call, boolean stream) {
    throw unsupported(Capability.CHAT);
  }

  default ChatResult readChat(String requestId, byte[] body) {
    throw unsupported(Capability.CHAT);
  }

  /** A reader for one stream's events; a new one per stream (it may keep state between events). */
  default ChunkReader chunkReader() {
    throw unsupported(Capability.STREAM);
  }

  /** The provider's message in an error body (any status), or an excerpt of the body. */
  default String errorMessage(byte[] body) {
    return UpstreamErrors.providerMessage(body);
  }

  /**
   * The kind an error answer means where its status alone does not say (Anthropic's 529 overloaded
   * is {@code UNAVAILABLE}); null for the standard mapping by status.
   */
  default ErrorKind errorKind(int status, byte[] body) {
    return null;
  }

  /** Whether an OpenAI-shaped chat body can be sent as it is ({@link #forwardChat}). */
  default boolean forwardsChat() {
    return false;
  }

  /**
   * The request that sends an OpenAI-shaped chat body upstream but for the model; a {@code stream}
   * request also asks for the usage chunk ({@code stream_options.include_usage}), which counts tokens.
   */
  default WireRequest forwardChat(byte[] openAiBody, boolean stream) {
    throw new UnsupportedOperationException(engine() + " does not take OpenAI-shaped bodies");
  }

  default WireRequest embeddings(EmbeddingCall call) {
    throw unsupported(Capability.EMBEDDING);
  }

  default EmbeddingResult readEmbeddings(byte[] body) {
    throw unsupported(Capability.EMBEDDING);
  }

  /**
   * The most texts the provider embeds in one request for this call (DashScope's text-embedding-v2
   * takes 25); {@link SaasBackend} sends a longer call as several requests and keeps the order.
   */
  default int embeddingBatchLimit(EmbeddingCall call) {
    return Integer.MAX_VALUE;
  }

  default WireRequest speech(SpeechCall call) {
    throw unsupported(Capability.SPEECH);
  }

  default SpeechResult readSpeech(WireAnswer answer, SpeechCall call) {
    throw unsupported(Capability.SPEECH);
  }

  default WireRequest transcription(TranscriptionCall call) {
    throw unsupported(Capability.TRANSCRIPTION);
  }

  default TranscriptionResult readTranscription(WireAnswer answer) {
    throw unsupported(Capability.TRANSCRIPTION);
  }

  default WireRequest image(ImageCall call) {
    throw unsupported(Capability.IMAGE);
  }

  default ImageResult readImages(byte[] body) {
    throw unsupported(Capability.IMAGE);
  }

  /**
   * The images of an answer, inline or as links the core fetches before answering (a provider that
   * answers URLs overrides this); by default {@link #readImages}'s, all inline.
   */
  default ImageAnswer readImageAnswer(byte[] body) {
    return ImageAnswer.of(readImages(body));
  }

  /** Adds what {@code stat} may show beyond the shared settings (never secrets). */
  default void describe(Map<String, Object> out) {}

  private UnsupportedOperationException unsupported(Capability c) {
    return new UnsupportedOperationException(engine() + " has no " + c.name().toLowerCase() + " endpoint");
  }
}
