package io.byzerllm.worker.saas;

/** A 2xx answer's body and its {@code Content-Type} (empty when the provider sent none). */
record WireAnswer(byte[] body, String contentType) {}
