package io.byzerllm.lite;

import io.byzerllm.client.DeploymentInfo;
import io.byzerllm.client.ModelInfo;
import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.Secrets;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.Backends;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatConventions;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.StreamHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One model deployed in this JVM: its spec and its {@code num_workers} workers, each a backend behind admission. */
final class InProcessDeployment {
  private final ModelSpec spec;
  private final List<InProcessWorker> workers;
  private final long created = Instant.now().getEpochSecond();

  private InProcessDeployment(ModelSpec spec, List<InProcessWorker> workers) {
    this.spec = spec;
    this.workers = List.copyOf(workers);
  }

  /**
   * Opens the spec's backends (SaaS: an HTTP client; custom/bge: the weights, which blocks). Fails
   * with the backend's error, having closed what it opened.
   */
  static InProcessDeployment open(ModelSpec spec, Path home, Executor blocking) {
    AdmissionSettings settings = AdmissionSettings.of(spec);
    List<InProcessWorker> workers = new ArrayList<>();
    try {
      for (int i = 0; i < spec.numWorkers(); i++) {
        ModelBackend backend = Backends.open(new BackendContext(spec, i, home, cpuThreads(spec), gpus(spec), blocking));
        workers.add(new InProcessWorker(spec.model(), i, backend, settings));
      }
    } catch (RuntimeException e) {
      workers.forEach(w -> w.close("failed to deploy"));
      throw e;
    }
    return new InProcessDeployment(spec, workers);
  }

  /** A local engine computes on this machine's cores, as a node gives it its free ones; a SaaS one only waits. */
  private static int cpuThreads(ModelSpec spec) {
    if (!spec.pretrainedModelType().computesLocally()) {
      return 1;
    }
    int given = (int) Math.floor(spec.cpusPerWorker());
    return given >= 1 ? given : Runtime.getRuntime().availableProcessors();
  }

  private static List<Integer> gpus(ModelSpec spec) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < (int) Math.ceil(spec.gpusPerWorker()); i++) {
      out.add(i);
    }
    return out;
  }

  ModelSpec spec() {
    return spec;
  }

  /** Runs one backend call on the least loaded worker. */
  <T> CompletableFuture<T> call(Capability capability, Function<ModelBackend, CompletionStage<T>> work) {
    return leastLoaded().call(capability, work);
  }

  /**
   * Starts a stream on the least loaded worker: the answer completes once the first event is ready,
   * or fails if the backend fails before any (so the caller gets a status, as from a node).
   */
  CompletableFuture<InProcessStream> stream(ChatCall call, InProcessStream events) {
    CompletableFuture<InProcessStream> opened = new CompletableFuture<>();
    InProcessWorker worker = leastLoaded();
    worker.admit(Capability.CHAT, opened, (backend, release) -> {
      long start = System.nanoTime();
      StreamHandle handle = ChatConventions.stream(backend, call, delta -> {
        if (events.offer(delta)) {
          opened.complete(events);
        }
      });
      events.cancelWith(handle.cancel());
      opened.whenComplete((v, e) -> {
        if (opened.isCancelled()) {
          events.close();
        }
      });
      handle.done().whenComplete((result, error) -> {
        worker.record(System.nanoTime() - start, error != null);
        release.run();
        if (error != null && !opened.isDone()) {
          opened.completeExceptionally(error);
        } else if (error != null) {
          events.fail(error);
        } else {
          events.finish(result);
          opened.complete(events);
        }
      });
    });
    return opened;
  }

  private InProcessWorker leastLoaded() {
    return workers.stream().min(Comparator.comparingInt(InProcessWorker::load)).orElseThrow();
  }

  void expireQueued() {
    workers.forEach(InProcessWorker::expireQueued);
  }

  /** Lets what runs finish (at most {@code grace}), then refuses the rest and closes every backend. */
  void close(Duration grace, String why) {
    CompletableFuture<?>[] idle = workers.stream().map(InProcessWorker::drain).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(idle).get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception stillBusy) {
      // what still runs after the grace is failed by the closing backend
    } finally {
      workers.forEach(w -> w.close(why));
    }
  }

  DeploymentInfo info() {
    return new DeploymentInfo(spec.model(), spec.pretrainedModelType().id(), spec.modelPath(), spec.inferBackend(),
        Secrets.mask(spec.inferParams()), spec.numWorkers(), spec.workerConcurrency(), spec.cpusPerWorker(),
        spec.gpusPerWorker(), spec.placement().name().toLowerCase(Locale.ROOT), "ready", created, capabilities(),
        workers.stream().map(InProcessWorker::info).toList(), spec.fallbacks());
  }

  ModelInfo modelInfo() {
    return new ModelInfo(spec.model(), spec.pretrainedModelType().id(), capabilities());
  }

  private List<String> capabilities() {
    return spec.pretrainedModelType().capabilities().stream().sorted().map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
  }
}
