package io.byzerllm.worker.actor;

import io.byzerllm.deploy.LlmException;

/**
 * A worker refused a call before its backend saw it (full, draining, stopped, or it waited too long
 * in the queue): the call may safely go to another worker. The cause says why, with its status.
 */
public final class NotStartedException extends RuntimeException {
  private final LlmException reason;

  public NotStartedException(LlmException reason) {
    super(reason.getMessage(), reason, false, false);
    this.reason = reason;
  }

  public LlmException reason() {
    return reason;
  }
}
