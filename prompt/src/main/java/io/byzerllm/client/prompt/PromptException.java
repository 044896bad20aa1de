package io.byzerllm.client.prompt;

/**
 * A prompt function that cannot be defined or run: an invalid template, parameters that do not match
 * it, an unsupported return type, no model bound, or an answer that cannot be turned into the declared
 * type (the message then quotes the answer). Unchecked. Failures of the call itself (the node refused,
 * nothing answered) stay {@link io.byzerllm.client.LlmClientException}s.
 */
public class PromptException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PromptException(String message) {
    super(message);
  }

  public PromptException(String message, Throwable cause) {
    super(message, cause);
  }
}
