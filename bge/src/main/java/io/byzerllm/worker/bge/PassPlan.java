package io.byzerllm.worker.bge;

import java.util.ArrayList;
import java.util.List;

/**
 * How texts sorted by token count are split into forward passes so that the passes cost least. A
 * pass of {@code n} texts padded to the longest, {@code length} tokens, costs about
 * {@code passCostTokens + n * length} token-rows: on the CPU a BERT forward pass pays a fixed part
 * (reading every weight matrix once, whatever the batch) and a part proportional to the padded tokens.
 * Measured for bge-small-zh on ONNX Runtime (docs/benchmarks.md, {@code OnnxSessionBench --grid true}),
 * the fixed part is worth about 14 tokens: putting two texts in one pass pays when it adds fewer padded
 * tokens than that, and costs more than it saves otherwise. The split is exact (dynamic programming
 * over the sorted lengths), at most {@code maxBatchSize} texts per pass.
 */
record PassPlan(List<Integer> ends) {
  PassPlan {
    ends = List.copyOf(ends);
  }

  /**
   * The cheapest split of {@code sortedLengths} (ascending): the exclusive end index of each pass, in order.
   */
  static PassPlan of(int[] sortedLengths, int maxBatchSize, int passCostTokens) {
    int n = sortedLengths.length;
    long[] best = new long[n + 1]; // best[j]: least cost of the first j texts
    int[] start = new int[n + 1]; // where the last pass of that best split starts
    for (int j = 1; j <= n; j++) {
      best[j] = Long.MAX_VALUE;
      long longest = sortedLengths[j - 1];
      for (int i = j - 1; i >= Math.max(0, j - maxBatchSize); i--) {
        long cost = best[i] + passCostTokens + (j - i) * longest;
        if (cost <= best[j]) { // on a tie the larger pass: fewer passes, fewer calls into the engine
          best[j] = cost;
          start[j] = i;
        }
      }
    }
    List<Integer> ends = new ArrayList<>();
    for (int j = n; j > 0; j = start[j]) {
      ends.add(0, j);
    }
    return new PassPlan(ends);
  }

  /**
   * Passes for an encoder that packs real tokens and computes no padding
   * ({@link BertEncoder#computesPadding()}): the round's tokens split into the fewest passes of at most
   * {@code maxPassTokens} tokens (a longer text alone), of about equal tokens, in order of length so that
   * attention, which still spreads each pass over its longest text, wastes little. Measured on bf16
   * (docs/benchmarks.md): larger passes lose the CPU's caches, smaller ones pay the fixed part more often.
   */
  static PassPlan packed(int[] sortedLengths, int maxBatchSize, int maxPassTokens) {
    long total = 0;
    for (int length : sortedLengths) {
      total += length;
    }
    long passes = Math.max(1, (total + maxPassTokens - 1) / maxPassTokens);
    double target = (double) total / passes;
    List<Integer> ends = new ArrayList<>();
    long before = 0; // tokens of the texts before this one
    long pass = 0;
    int size = 0;
    for (int i = 0; i < sortedLengths.length; i++) {
      // A text belongs to the pass its middle token falls in, so no pass strays far from the target.
      long its = Math.min(passes - 1, (long) ((before + sortedLengths[i] / 2.0) / target));
      if (size > 0 && (its != pass || size == maxBatchSize)) {
        ends.add(i);
        size = 0;
      }
      pass = its;
      before += sortedLengths[i];
      size++;
    }
    if (size > 0) {
      ends.add(sortedLengths.length);
    }
    return new PassPlan(ends);
  }
}
