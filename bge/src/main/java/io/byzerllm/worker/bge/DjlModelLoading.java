package io.byzerllm.worker.bge;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads a model file into a fresh DJL {@link Model} and builds an encoder from it, turning the
 * engine's failures into errors that name the file; the model is closed if anything fails.
 */
final class DjlModelLoading {
  private DjlModelLoading() {}

  interface Loader<T> {
    T load(Model model) throws MalformedModelException, IOException;
  }

  static <T> T load(Model model, String kind, Path file, Loader<T> loader) {
    try {
      return loader.load(model);
    } catch (MalformedModelException e) {
      model.close();
      throw new LlmException(ErrorKind.INVALID_REQUEST, "--model_path: the " + kind + " model " + file
          + " is not a model the engine can load: " + e.getMessage(), e);
    } catch (IOException e) {
      model.close();
      throw new LlmException(ErrorKind.INTERNAL, "cannot read the " + kind + " model " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }
}
