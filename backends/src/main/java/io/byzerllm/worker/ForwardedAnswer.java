package io.byzerllm.worker;

/** The provider's {@code chat.completion} body, with our request id and the deployment's model name. */
public record ForwardedAnswer(byte[] body) {}
