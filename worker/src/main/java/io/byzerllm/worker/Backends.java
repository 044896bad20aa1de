package io.byzerllm.worker;

import io.byzerllm.worker.bge.BgeBackend;
import io.byzerllm.worker.saas.OpenAiBackend;

/** Opens the backend for a deployment's model type. */
public final class Backends {
  private Backends() {}

  /**
   * Builds and readies a backend: for SaaS a configured HTTP client, for local models the loaded
   * weights. May block (model loading); call it on a blocking executor. Fails with an
   * {@link io.byzerllm.deploy.LlmException} that says what is wrong with the spec.
   */
  public static ModelBackend open(BackendContext context) {
    return switch (context.spec().pretrainedModelType().family()) {
      case OPENAI_COMPATIBLE -> OpenAiBackend.open(context);
      case LOCAL_BGE -> BgeBackend.open(context);
    };
  }
}
