package io.byzerllm.client;

import java.util.List;

/**
 * What to issue: an inference key unless {@code admin}; {@code models} it may call (empty: all);
 * limits per minute and concurrent calls (0: none).
 */
public record NewKey(String name, boolean admin, List<String> models, int rpm, long tpm, int maxConcurrent) {
  public NewKey {
    name = name == null ? "" : name;
    models = models == null ? List.of() : List.copyOf(models);
    if (rpm < 0 || tpm < 0 || maxConcurrent < 0) {
      throw new IllegalArgumentException("--rpm, --tpm and --max_concurrent take 0 (no limit) or more");
    }
  }
}
