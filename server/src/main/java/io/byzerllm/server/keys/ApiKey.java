package io.byzerllm.server.keys;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.CborSerializable;
import java.util.List;

/**
 * One issued key as the cluster stores it: its id (shown in listings and logs), the SHA-256 of the
 * key (never the key), its role, the models it may call (empty: all) and its limits.
 */
public record ApiKey(String id, String sha256, KeyRole role, List<String> allowedModels, KeyLimits limits,
                     String name, long createdEpochSecond) implements CborSerializable {
  public ApiKey {
    if (id == null || id.isBlank()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "a key needs an id");
    }
    if (sha256 == null || sha256.length() != 64) {
      throw new LlmException(ErrorKind.INTERNAL, "key " + id + " has no SHA-256 hash");
    }
    role = role == null ? KeyRole.INFERENCE : role;
    allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
    limits = limits == null ? KeyLimits.NONE : limits;
    name = name == null ? "" : name;
  }

  /** Whether this key may call {@code model}. */
  public boolean allows(String model) {
    return allowedModels.isEmpty() || allowedModels.contains(model);
  }
}
