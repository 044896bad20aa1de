package io.byzerllm.worker;

/**
 * A chat request already in OpenAI's shape, kept as its bytes: an OpenAI-compatible backend sends
 * it upstream as it is but for the model, and answers with the provider's bytes ({@link
 * ForwardedAnswer}, or a stream's SSE frames) carrying our {@code requestId} and the deployment's
 * {@code model} name. {@code includeUsage}, for a stream: whether the caller asked for the usage
 * chunk ({@code stream_options.include_usage}); the backend asks the provider for it in any case,
 * to count tokens, and passes it on only then.
 */
public record ForwardedChat(String requestId, String model, byte[] body, boolean includeUsage) {

  /** A chat answered whole. */
  public ForwardedChat(String requestId, String model, byte[] body) {
    this(requestId, model, body, false);
  }
}
