package io.byzerllm.worker.saas;

/** A 2xx answer a wire cannot read: {@code what} it was (e.g. "without choices") and the body's text. */
final class MalformedAnswer extends RuntimeException {
  private final String body;

  MalformedAnswer(String what, String body) {
    super(what, null, false, false); // no stack: it becomes an LlmException at once
    this.body = body;
  }

  String body() {
    return body;
  }
}
