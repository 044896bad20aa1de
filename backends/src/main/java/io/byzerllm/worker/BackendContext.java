package io.byzerllm.worker;

import io.byzerllm.deploy.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What a backend is built from: the deployment spec, which worker it is, where it may cache files,
 * the CPU threads and GPU devices placement gave it, and an executor for blocking work.
 */
public record BackendContext(ModelSpec spec, int workerIndex, Path home, int cpuThreads, List<Integer> gpuIndices,
                             Executor blockingExecutor) {
  public BackendContext {
    gpuIndices = List.copyOf(gpuIndices);
    cpuThreads = Math.max(1, cpuThreads);
  }

  public Path cacheDir() {
    return home.resolve("cache");
  }
}
