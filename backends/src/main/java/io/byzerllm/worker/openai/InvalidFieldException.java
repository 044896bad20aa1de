package io.byzerllm.worker.openai;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;

/** A 400 about one field of a request; {@code param} is reported in the error body as OpenAI does. */
public final class InvalidFieldException extends LlmException {
  private final String param;

  public InvalidFieldException(String param, String message) {
    super(ErrorKind.INVALID_REQUEST, message);
    this.param = param;
  }

  public String param() {
    return param;
  }
}
