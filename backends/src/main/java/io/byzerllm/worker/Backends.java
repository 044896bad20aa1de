package io.byzerllm.worker;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import java.util.List;
import java.util.ServiceLoader;

/** Opens the backend for a deployment's model type, through the {@link BackendFactory}s on the classpath. */
public final class Backends {
  private static final List<BackendFactory> FACTORIES = ServiceLoader.load(BackendFactory.class, Backends.class.getClassLoader())
      .stream().map(ServiceLoader.Provider::get).toList();

  private Backends() {}

  /**
   * Builds and readies a backend: for SaaS a configured HTTP client, for local models the loaded
   * weights. May block (model loading); call it on a blocking executor. Fails with an
   * {@link LlmException} that says what is wrong with the spec, or which module the type needs.
   */
  public static ModelBackend open(BackendContext context) {
    ModelType type = context.spec().pretrainedModelType();
    return factoryFor(type).open(context);
  }

  /** Whether a backend of {@code type} can be opened in this JVM. */
  public static boolean available(ModelType type) {
    return FACTORIES.stream().anyMatch(f -> f.serves(type));
  }

  private static BackendFactory factoryFor(ModelType type) {
    return FACTORIES.stream().filter(f -> f.serves(type)).findFirst().orElseThrow(() -> new LlmException(
        ErrorKind.INVALID_REQUEST, "model type " + type.id() + " needs " + moduleFor(type)
            + " on the classpath; add it as a dependency (a node has it)"));
  }

  private static String moduleFor(ModelType type) {
    return type.family() == ModelType.Family.LOCAL_BGE ? "io.byzerllm:byzerllm-bge" : "io.byzerllm:byzerllm-backends";
  }
}
