package io.byzerllm.worker.bge;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;

/**
 * How the worker coalesces concurrent embedding calls into one forward pass: at most
 * {@code maxBatchSize} texts per pass, waiting at most {@code maxWaitMs} for more to arrive once the
 * first is there ({@code 0} disables coalescing across calls; one call's texts still share passes), and
 * splitting what it has into passes as if each pass cost {@code passCostTokens} padded tokens more than
 * its texts ({@link PassPlan}; {@code 0}: only texts of one length share a pass), or, on an encoder that
 * packs real tokens and computes no padding, into passes of at most about {@code maxPassTokens} tokens, on
 * {@code batchingThreads} threads that each form and run rounds ({@code 0}: chosen by the worker).
 * {@code lonePasses}: a text that comes alone to an idle worker may run its pass spread over all the worker's
 * threads ({@code bge.lone_pass=auto}, the default; {@code off}: every pass on one thread).
 */
public record BatchSettings(int maxBatchSize, int maxWaitMs, int passCostTokens, int maxPassTokens,
                            int batchingThreads, boolean lonePasses) {
  public static final String MAX_BATCH_SIZE = "bge.max_batch_size";
  public static final String MAX_WAIT_MS = "bge.max_wait_ms";
  public static final String PASS_COST_TOKENS = "bge.pass_cost_tokens";
  public static final String MAX_PASS_TOKENS = "bge.max_pass_tokens";
  public static final String BATCHING_THREADS = "bge.batching_threads";
  public static final String LONE_PASS = "bge.lone_pass";
  /**
   * 14 tokens: the fixed cost of a bge-small pass on ONNX Runtime; 256 tokens: packed bf16 passes of
   * 140 to 250 tokens cost least per sentence on PyTorch (both measured, docs/benchmarks.md).
   */
  public static final BatchSettings DEFAULTS = new BatchSettings(32, 2, 14, 256, 0, true);

  public BatchSettings {
    if (maxBatchSize < 1 || maxBatchSize > 4096) {
      throw new InvalidSpecException("--infer_params " + MAX_BATCH_SIZE + " must be 1..4096 (got " + maxBatchSize + ")");
    }
    if (maxWaitMs < 0 || maxWaitMs > 10_000) {
      throw new InvalidSpecException("--infer_params " + MAX_WAIT_MS + " must be 0..10000 (got " + maxWaitMs + ")");
    }
    if (passCostTokens < 0 || passCostTokens > 100_000) {
      throw new InvalidSpecException("--infer_params " + PASS_COST_TOKENS + " must be 0..100000 (got "
          + passCostTokens + ")");
    }
    if (maxPassTokens < 1 || maxPassTokens > 1_000_000) {
      throw new InvalidSpecException("--infer_params " + MAX_PASS_TOKENS + " must be 1..1000000 (got "
          + maxPassTokens + ")");
    }
    if (batchingThreads < 0 || batchingThreads > 256) {
      throw new InvalidSpecException("--infer_params " + BATCHING_THREADS + " must be 0..256, 0 letting the worker "
          + "choose (got " + batchingThreads + ")");
    }
  }

  /**
   * Reads {@code bge.max_batch_size}, {@code bge.max_wait_ms}, {@code bge.pass_cost_tokens},
   * {@code bge.max_pass_tokens}, {@code bge.batching_threads}, {@code bge.lone_pass}.
   */
  public static BatchSettings from(ModelSpec spec) {
    return new BatchSettings(
        intParam(spec, MAX_BATCH_SIZE, DEFAULTS.maxBatchSize()),
        intParam(spec, MAX_WAIT_MS, DEFAULTS.maxWaitMs()),
        intParam(spec, PASS_COST_TOKENS, DEFAULTS.passCostTokens()),
        intParam(spec, MAX_PASS_TOKENS, DEFAULTS.maxPassTokens()),
        intParam(spec, BATCHING_THREADS, DEFAULTS.batchingThreads()),
        lonePasses(spec));
  }

  private static boolean lonePasses(ModelSpec spec) {
    String raw = spec.param(LONE_PASS, "auto").trim();
    return switch (raw) {
      case "auto" -> true;
      case "off" -> false;
      default -> throw new InvalidSpecException("--infer_params " + LONE_PASS + " must be auto or off (got '" + raw
          + "')");
    };
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
