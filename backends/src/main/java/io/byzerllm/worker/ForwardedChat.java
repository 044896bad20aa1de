package io.byzerllm.worker;

/**
 * A chat request already in OpenAI's shape, kept as its bytes: an OpenAI-compatible backend sends
 * it upstream as it is but for the model, and answers with the provider's bytes ({@link
 * ForwardedAnswer}) carrying our {@code requestId} and the deployment's {@code model} name.
 */
public record ForwardedChat(String requestId, String model, byte[] body) {}
