package io.byzerllm.worker;

import io.byzerllm.deploy.ModelType;

/**
 * Opens the backends of some model types. Implementations are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.byzerllm.worker.BackendFactory}), so a model type whose engine lives in an
 * optional module (local BGE on DJL) is served exactly where that module is on the classpath.
 */
public interface BackendFactory {

  /** Whether this factory opens backends of {@code type}. */
  boolean serves(ModelType type);

  /** Builds and readies a backend; see {@link Backends#open}. */
  ModelBackend open(BackendContext context);
}
