package io.byzerllm.worker.saas;

import io.byzerllm.deploy.Capability;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.ModelBackend;
import java.util.Map;
import java.util.Set;

/** PLACEHOLDER while the real backend is written; replaced before anything is called done. */
public final class OpenAiBackend implements ModelBackend {
  public static ModelBackend open(BackendContext context) {
    throw new UnsupportedOperationException("OpenAiBackend is being written");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of();
  }

  @Override
  public Map<String, Object> describe() {
    return Map.of();
  }

  @Override
  public void close() {}
}
