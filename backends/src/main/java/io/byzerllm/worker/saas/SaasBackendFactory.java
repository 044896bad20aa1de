package io.byzerllm.worker.saas;

import io.byzerllm.deploy.ModelType;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.BackendFactory;
import io.byzerllm.worker.ModelBackend;

/** Opens the SaaS provider backends. */
public final class SaasBackendFactory implements BackendFactory {

  @Override
  public boolean serves(ModelType type) {
    return type.family() == ModelType.Family.OPENAI_COMPATIBLE;
  }

  @Override
  public ModelBackend open(BackendContext context) {
    return OpenAiBackend.open(context);
  }
}
