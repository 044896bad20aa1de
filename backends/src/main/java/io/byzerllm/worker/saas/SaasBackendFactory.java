package io.byzerllm.worker.saas;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.BackendFactory;
import io.byzerllm.worker.ModelBackend;

/** Opens the SaaS provider backends: one {@link SaasBackend} over the wire format the model type speaks. */
public final class SaasBackendFactory implements BackendFactory {

  @Override
  public boolean serves(ModelType type) {
    return type.family() == ModelType.Family.SAAS;
  }

  @Override
  public ModelBackend open(BackendContext context) {
    return SaasBackend.open(context);
  }

  /** The wire of a SaaS spec's type, built from its infer params (a bad param fails naming it). */
  static WireFormat wireFor(ModelSpec spec) {
    ModelType type = spec.pretrainedModelType();
    return switch (type.wire()) {
      case OPENAI -> new OpenAiWire(OpenAiSettings.from(spec));
      case CLAUDE -> new ClaudeWire(spec);
      case GEMINI -> new GeminiWire(spec);
      case NONE -> throw new InvalidSpecException("model type " + type.id()
          + " is not a SaaS type this build can open; use one of " + ModelType.known());
    };
  }
}
