package io.byzerllm.worker.bge;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.nio.file.Path;
import java.util.List;

/**
 * Process-wide DJL settings, applied before the first engine loads: never touch the network
 * ({@code ai.djl.offline}), keep DJL's caches (the native libraries it unpacks from the engine jars)
 * under {@code $LLM_HOME/cache/djl}, and size PyTorch's thread pools. A setting the operator already
 * gave (system property or environment variable) is kept. PyTorch's thread counts are per process:
 * the first BGE worker to load the engine sets them, to one intra-op thread. A worker's CPU threads
 * run passes side by side instead, one per batching thread ({@link BgeBackend#batchingThreads}): a pass
 * spread over OpenMP threads makes them wait on each other at every operator, which under load (other
 * processes taking the cores) cost more CPU per sentence than it saved in latency.
 */
final class DjlRuntime {
  private DjlRuntime() {}

  static synchronized void prepare(Path cacheDir) {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("DJL_CACHE_DIR", cacheDir.resolve("djl").toString());
    setIfAbsent("ENGINE_CACHE_DIR", cacheDir.resolve("djl").toString());
    setIfAbsent("ai.djl.pytorch.num_threads", "1");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
  }

  private static void setIfAbsent(String name, String value) {
    if (System.getProperty(name) == null && System.getenv(name) == null) {
      System.setProperty(name, value);
    }
  }

  /**
   * What a GPU user sets before starting the node, so that DJL's PyTorch engine loads a CUDA build of
   * libtorch they provide (DJL 0.36 ships the matching CUDA 12.8 JNI library in pytorch-jni): DJL's
   * documented variables, read from the environment or as system properties. Nothing is downloaded.
   */
  static final String CUDA_FIX = "start the node with PYTORCH_LIBRARY_PATH set to the lib directory of a CUDA 12.8 "
      + "build of libtorch 2.7.1 (e.g. .../site-packages/torch/lib of pip's torch==2.7.1+cu128), PYTORCH_VERSION=2.7.1 "
      + "and PYTORCH_FLAVOR=cu128 (README, 'custom/bge on a GPU')";

  /**
   * The device a worker runs on: the CPU, or with GPUs placed ({@code --gpus_per_worker > 0}) the
   * first of {@code gpuIndices} (device 0 when placement named none).
   *
   * @throws LlmException when GPUs were asked for but the engine finds no CUDA device
   */
  static Device device(InferEngine engine, double gpusPerWorker, List<Integer> gpuIndices) {
    if (gpusPerWorker <= 0) {
      return Device.cpu();
    }
    Engine djl = engine(engine);
    // A CPU-only build of the engine cannot use a GPU even where the driver reports one.
    int available = djl.hasCapability(StandardCapabilities.CUDA) ? djl.getGpuCount() : 0;
    return device(engine, gpusPerWorker, gpuIndices, available);
  }

  /** The choice itself, given how many CUDA devices the engine can use. */
  static Device device(InferEngine engine, double gpusPerWorker, List<Integer> gpuIndices, int available) {
    if (gpusPerWorker <= 0) {
      return Device.cpu();
    }
    int index = gpuIndices.isEmpty() ? 0 : gpuIndices.get(0);
    if (available == 0 || index >= available) {
      String fix = engine == InferEngine.PYTORCH ? CUDA_FIX
          : "ONNX Runtime runs on CPU here: deploy with --infer_backend transformers and " + CUDA_FIX;
      throw new LlmException(ErrorKind.INVALID_REQUEST, "--gpus_per_worker " + gpusPerWorker + " asks for a GPU, but "
          + engine.djlName() + " finds "
          + (available == 0 ? "no CUDA device it can use" : "only " + available + " CUDA device(s)")
          + " on this node (GPU " + index + " wanted). To run on a GPU, " + fix
          + "; or deploy with --gpus_per_worker 0");
    }
    return Device.gpu(index);
  }

  static Engine engine(InferEngine engine) {
    try {
      return Engine.getEngine(engine.djlName());
    } catch (RuntimeException e) {
      throw new LlmException(ErrorKind.INTERNAL, "the DJL " + engine.djlName() + " engine cannot start: "
          + e.getMessage(), e);
    }
  }
}
