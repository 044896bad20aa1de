package io.byzerllm.server.keys;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.CborSerializable;

/** A key's limits, cluster-wide; 0 means none. */
public record KeyLimits(int requestsPerMinute, long tokensPerMinute, int maxConcurrent) implements CborSerializable {
  public static final KeyLimits NONE = new KeyLimits(0, 0, 0);

  public KeyLimits {
    if (requestsPerMinute < 0) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "rpm must be 0 (no limit) or more (got " + requestsPerMinute + ")");
    }
    if (tokensPerMinute < 0) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "tpm must be 0 (no limit) or more (got " + tokensPerMinute + ")");
    }
    if (maxConcurrent < 0) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "max_concurrent must be 0 (no limit) or more (got "
          + maxConcurrent + ")");
    }
  }

  public boolean any() {
    return requestsPerMinute > 0 || tokensPerMinute > 0 || maxConcurrent > 0;
  }
}
