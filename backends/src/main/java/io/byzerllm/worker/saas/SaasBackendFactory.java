package io.byzerllm.worker.saas;

import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.BackendFactory;
import io.byzerllm.worker.ModelBackend;
import java.time.Clock;

/** Opens the SaaS provider backends: one {@link SaasBackend} over the wire format the model type speaks. */
public final class SaasBackendFactory implements BackendFactory {

  @Override
  public boolean serves(ModelType type) {
    return type.family() == ModelType.Family.SAAS;
  }

  @Override
  public ModelBackend open(BackendContext context) {
    if (context.spec().pretrainedModelType() == ModelType.SAAS_FILELOGGER) {
      return FileLoggerBackend.open(context); // sends nothing: no wire
    }
    return SaasBackend.open(context);
  }

  /** The wire of a SaaS spec's type, built from its infer params (a bad param fails naming it). */
  static WireFormat wireFor(ModelSpec spec) {
    ModelType type = spec.pretrainedModelType();
    return switch (type.wire()) {
      case OPENAI -> new OpenAiWire(OpenAiSettings.from(spec));
      case VOLCENGINE_TTS -> new VolcengineTtsWire(spec);
      case AZURE_SPEECH -> new AzureSpeechWire(spec);
      case SILICONFLOW_IMAGE -> new SiliconFlowImageWire(spec);
      case AZURE_OPENAI -> new AzureOpenAiWire(spec);
      case DASHSCOPE -> new DashScopeWire(spec, type.capabilities().contains(Capability.VISION));
      case ZHIPU -> new ZhipuWire(spec, Clock.systemUTC());
      case CLAUDE -> new ClaudeWire(spec);
      case GEMINI -> new GeminiWire(spec);
      case NONE -> throw new InvalidSpecException("model type " + type.id()
          + " is not a SaaS type this build can open; use one of " + ModelType.known());
    };
  }
}
