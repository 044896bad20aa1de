package io.byzerllm.worker;

import io.byzerllm.deploy.ModelSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What a backend is built from: the deployment spec, which worker it is, where it may cache files,
 * the CPU threads and GPU devices placement gave it, an executor for blocking work, and the node's
 * meter registry (what it measures appears on the node's {@code /metrics}).
 */
public record BackendContext(ModelSpec spec, int workerIndex, Path home, int cpuThreads, List<Integer> gpuIndices,
                             Executor blockingExecutor, MeterRegistry meters) {
  public BackendContext {
    gpuIndices = List.copyOf(gpuIndices);
    cpuThreads = Math.max(1, cpuThreads);
    meters = meters == null ? new CompositeMeterRegistry() : meters; // an empty composite records nothing
  }

  /** A context whose measurements go nowhere (tests and benchmarks of one backend). */
  public BackendContext(ModelSpec spec, int workerIndex, Path home, int cpuThreads, List<Integer> gpuIndices,
                        Executor blockingExecutor) {
    this(spec, workerIndex, home, cpuThreads, gpuIndices, blockingExecutor, null);
  }

  public Path cacheDir() {
    return home.resolve("cache");
  }
}
