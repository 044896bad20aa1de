package io.byzerllm.worker.saas;

import io.byzerllm.deploy.ErrorKind;

/**
 * A 2xx answer in which the provider says the call failed (Volcengine's {@code code} other than
 * 3000): the kind it means and the provider's message. The core redacts the message and turns it
 * into the caller's {@link io.byzerllm.deploy.LlmException}.
 */
final class ProviderRefusal extends RuntimeException {
  private final ErrorKind kind;

  ProviderRefusal(ErrorKind kind, String providerMessage) {
    super(providerMessage, null, false, false); // no stack: it becomes an LlmException at once
    this.kind = kind;
  }

  ErrorKind kind() {
    return kind;
  }
}
