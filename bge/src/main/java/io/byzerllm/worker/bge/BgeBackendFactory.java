package io.byzerllm.worker.bge;

import io.byzerllm.deploy.ModelType;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.BackendFactory;
import io.byzerllm.worker.ModelBackend;

/** Opens {@code custom/bge} backends: BGE embeddings on DJL in this JVM. */
public final class BgeBackendFactory implements BackendFactory {

  @Override
  public boolean serves(ModelType type) {
    return type.family() == ModelType.Family.LOCAL_BGE;
  }

  @Override
  public ModelBackend open(BackendContext context) {
    return BgeBackend.open(context);
  }
}
