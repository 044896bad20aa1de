package io.byzerllm.worker.bge;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;

/**
 * How the worker coalesces concurrent embedding calls into one forward pass: at most
 * {@code maxBatchSize} texts per pass, waiting at most {@code maxWaitMs} for more to arrive once the
 * first is there ({@code 0} disables coalescing across calls; one call's texts still share passes).
 */
public record BatchSettings(int maxBatchSize, int maxWaitMs) {
  public static final String MAX_BATCH_SIZE = "bge.max_batch_size";
  public static final String MAX_WAIT_MS = "bge.max_wait_ms";
  public static final BatchSettings DEFAULTS = new BatchSettings(32, 2);

  public BatchSettings {
    if (maxBatchSize < 1 || maxBatchSize > 4096) {
      throw new InvalidSpecException("--infer_params " + MAX_BATCH_SIZE + " must be 1..4096 (got " + maxBatchSize + ")");
    }
    if (maxWaitMs < 0 || maxWaitMs > 10_000) {
      throw new InvalidSpecException("--infer_params " + MAX_WAIT_MS + " must be 0..10000 (got " + maxWaitMs + ")");
    }
  }

  /** Reads {@code bge.max_batch_size} and {@code bge.max_wait_ms} from the spec's infer params. */
  public static BatchSettings from(ModelSpec spec) {
    return new BatchSettings(
        intParam(spec, MAX_BATCH_SIZE, DEFAULTS.maxBatchSize()),
        intParam(spec, MAX_WAIT_MS, DEFAULTS.maxWaitMs()));
  }

  private static int intParam(ModelSpec spec, String name, int fallback) {
    String raw = spec.param(name, String.valueOf(fallback)).trim();
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new InvalidSpecException("--infer_params " + name + " must be a whole number (got '" + raw + "')");
    }
  }
}
