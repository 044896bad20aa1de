package io.byzerllm.cli;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.DeploymentInfo;
import io.byzerllm.client.WorkerInfo;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelSpec;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * A deploy shown as it goes: the deploy call (which returns once every worker is ready, a local
 * model's load included) runs on its own thread while this one asks the cluster how far the workers
 * are and rewrites the progress line. The cluster lists a deployment once its workers are ready (a
 * replaced one keeps its old generation listed until then), so while they start the line shows the
 * time waited, e.g. {@code deploying emb: waiting for 2 worker(s) of custom/bge, 14s}; a listed
 * deployment shows its workers by state.
 */
final class DeployWatch {
  private static final Duration POLL = Duration.ofMillis(500);
  private final ByzerLLM llm;
  private final ProgressLine progress;

  DeployWatch(ByzerLLM llm, ProgressLine progress) {
    this.llm = llm;
    this.progress = progress;
  }

  DeploymentInfo deploy(ModelSpec spec, boolean replace) {
    ExecutorService caller = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "llm-deploy-call");
      t.setDaemon(true);
      return t;
    });
    long start = System.nanoTime();
    progress.show(waiting(spec, Duration.ZERO));
    try {
      CompletableFuture<DeploymentInfo> call = CompletableFuture.supplyAsync(() -> llm.deploy(spec, replace), caller);
      while (true) {
        try {
          return call.get(POLL.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillDeploying) {
          Duration waited = Duration.ofNanos(System.nanoTime() - start);
          progress.show(replace ? waiting(spec, waited) : line(spec, waited));
        }
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the deploy of " + spec.model(), e);
    } finally {
      caller.shutdownNow();
    }
  }

  private static String waiting(ModelSpec spec, Duration elapsed) {
    return "deploying " + spec.model() + ": waiting for " + spec.numWorkers() + " worker(s) of "
        + spec.pretrainedModelType().id() + ", " + elapsed.toSeconds() + "s";
  }

  private String line(ModelSpec spec, Duration elapsed) {
    DeploymentInfo now;
    try {
      now = llm.deployment(spec.model());
    } catch (LlmException e) {
      if (e.kind() == ErrorKind.MODEL_NOT_FOUND) {
        return waiting(spec, elapsed); // not listed until its workers are ready
      }
      return "deploying " + spec.model() + ": no status (" + e.getMessage() + "), " + elapsed.toSeconds() + "s";
    }
    Map<String, Integer> states = new TreeMap<>();
    for (WorkerInfo w : now.workers()) {
      states.merge(w.state(), 1, Integer::sum);
    }
    StringBuilder counts = new StringBuilder();
    states.forEach((state, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(state).append(' ').append(n));
    return "deploying " + spec.model() + ": " + now.readyWorkers() + "/" + spec.numWorkers() + " workers ready"
        + (counts.length() == 0 ? "" : " (" + counts + ")") + ", " + elapsed.toSeconds() + "s";
  }
}
