package io.byzerllm.worker;

import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The model backend SPI: what one worker calls to do the work. One instance serves one worker and
 * may be called concurrently up to the worker's {@code worker_concurrency}.
 *
 * <p>Contract: methods never block the caller (long work runs on the backend's own threads or on
 * the executor in its {@link BackendContext}); failures complete the returned stage exceptionally
 * with an {@link LlmException} whose kind says what went wrong (an upstream's status and message
 * kept, secrets redacted). A capability the backend lacks fails with {@code INVALID_REQUEST}.
 * Cancelling a returned stage ({@code toCompletableFuture().cancel(true)}) tells the backend its
 * caller went away: it stops the work where it can (an upstream exchange is closed).
 */
public interface ModelBackend extends AutoCloseable {

  Set<Capability> capabilities();

  /** What {@code stat} may show about this backend: engine, upstream model, device. Never secrets. */
  Map<String, Object> describe();

  default CompletionStage<ChatResult> chat(ChatCall call) {
    return unsupported(Capability.CHAT);
  }

  /**
   * Streams an answer: {@code onDelta} is called in order, from one thread at a time, and never
   * after {@code done} completes.
   */
  default StreamHandle stream(ChatCall call, Consumer<ChatDelta> onDelta) {
    return new StreamHandle(unsupported(Capability.STREAM), () -> {});
  }

  /**
   * Sends a chat request that is already in the provider's shape as it is (only an
   * OpenAI-compatible backend can); the answer is the provider's body with our id and model name.
   */
  default CompletionStage<ForwardedAnswer> forwardChat(ForwardedChat call) {
    return unsupported(Capability.CHAT);
  }

  /**
   * Streams a chat request that is already in the provider's shape as it is (only an
   * OpenAI-compatible backend can, where {@link #forwardsChat}): {@code onFrame} gets whole SSE
   * events, the provider's bytes with our id and model name, in order, from one thread at a time,
   * never after {@code done} completes and never {@code [DONE]} itself (the end is {@code done}).
   * {@code done}'s result carries no text (it went by as bytes): finish reason, usage and upstream model.
   */
  default StreamHandle forwardStream(ForwardedChat call, Consumer<byte[]> onFrame) {
    return new StreamHandle(unsupported(Capability.STREAM), () -> {});
  }

  /** Whether {@link #forwardChat} and {@link #forwardStream} work here. */
  default boolean forwardsChat() {
    return false;
  }

  default CompletionStage<EmbeddingResult> embed(EmbeddingCall call) {
    return unsupported(Capability.EMBEDDING);
  }

  default CompletionStage<SpeechResult> speech(SpeechCall call) {
    return unsupported(Capability.SPEECH);
  }

  default CompletionStage<TranscriptionResult> transcribe(TranscriptionCall call) {
    return unsupported(Capability.TRANSCRIPTION);
  }

  default CompletionStage<ImageResult> generateImage(ImageCall call) {
    return unsupported(Capability.IMAGE);
  }

  /** Releases what the backend holds (HTTP clients, native model memory). */
  @Override
  void close();

  /**
   * Completes once what {@link #close} started is finished (native model memory freed), so a node
   * lets its JVM exit only after that. A backend that frees nothing natively completes at once.
   */
  default CompletionStage<Void> released() {
    return CompletableFuture.completedFuture(null);
  }

  static <T> CompletionStage<T> unsupported(Capability capability) {
    return CompletableFuture.failedFuture(new LlmException(ErrorKind.INVALID_REQUEST,
        "this model does not support " + capability.name().toLowerCase() + "; deploy a model type that does"));
  }

  /**
   * The refusal of a capability this backend lacks, naming what it can do, e.g. {@code model type
   * saas/claude cannot do embedding; it can do chat, stream, vision}.
   */
  default LlmException lacking(Capability capability) {
    Object type = describe().get("type");
    String can = capabilities().stream().sorted().map(c -> c.name().toLowerCase(java.util.Locale.ROOT))
        .collect(java.util.stream.Collectors.joining(", "));
    return new LlmException(ErrorKind.INVALID_REQUEST, (type == null ? "this model" : "model type " + type)
        + " cannot do " + capability.name().toLowerCase(java.util.Locale.ROOT) + "; it can do " + can);
  }
}
