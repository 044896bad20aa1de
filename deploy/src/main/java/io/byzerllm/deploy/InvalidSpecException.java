package io.byzerllm.deploy;

/** A deployment spec or request that cannot be accepted as given; the message names the flag or field. */
public final class InvalidSpecException extends LlmException {
  public InvalidSpecException(String message) {
    super(ErrorKind.INVALID_REQUEST, message);
  }
}
