package io.byzerllm.worker.bge;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code bge.precision=auto}'s measurement at load: bf16 PyTorch against fp32 OnnxRuntime on one
 * representative batch (four short Chinese and English sentences, about what a node's batcher
 * gathers under load), both warmed up first, then timed in turns (A, B, A, B) so that load from
 * other processes falls on both alike. Each side's figure is its fastest round: the least disturbed.
 *
 * <p>A round runs the way a worker runs passes: one per batching thread, side by side ({@code threads}
 * of them, the worker's CPU threads), so that bf16's single intra-op thread per pass is timed against
 * ONNX Runtime's shared pool under the same concurrency; its figure is the round's wall time over the
 * sentences all its passes embedded.
 */
final class EncoderRace {
  /** Mixed lengths and scripts, as requests come. */
  static final List<String> SENTENCES = List.of(
      "今天天气很好，我们去公园散步吧。",
      "Embeddings map sentences to vectors so that similar meanings end up close together.",
      "深度学习模型的训练需要大量的数据和计算资源。",
      "How do I renew my passport before travelling abroad?");
  private static final int WARM_UP_ROUNDS = 3;
  private static final int MIN_ROUNDS = 5;
  private static final long BUDGET_NANOS = 400_000_000L;
  /** A round is a few passes of four sentences; one that takes this long is stuck, not slow. */
  private static final long ROUND_TIMEOUT_SECONDS = 60;

  private EncoderRace() {}

  static EngineChoice.Timings run(BgeTokenizer tokenizer, BertEncoder bf16, BertEncoder fp32, int threads) {
    TokenBatch batch = TokenBatch.of(SENTENCES.stream().map(tokenizer::encode).toList());
    int side = Math.max(1, threads);
    ExecutorService others = side > 1 ? Executors.newFixedThreadPool(side - 1, r -> {
      Thread t = new Thread(r, "bge-race");
      t.setDaemon(true);
      return t;
    }) : null;
    try {
      for (int i = 0; i < WARM_UP_ROUNDS; i++) {
        round(bf16, batch, side, others);
        round(fp32, batch, side, others);
      }
      long bestBf16 = Long.MAX_VALUE;
      long bestFp32 = Long.MAX_VALUE;
      long end = System.nanoTime() + BUDGET_NANOS;
      for (int pass = 0; pass < MIN_ROUNDS || System.nanoTime() < end; pass++) {
        bestBf16 = Math.min(bestBf16, round(bf16, batch, side, others));
        bestFp32 = Math.min(bestFp32, round(fp32, batch, side, others));
      }
      int sentences = batch.size() * side;
      return new EngineChoice.Timings(bestBf16 / 1e6 / sentences, bestFp32 / 1e6 / sentences, sentences);
    } finally {
      if (others != null) {
        others.shutdownNow();
      }
    }
  }

  /** Nanoseconds for {@code side} passes at once: this thread runs one, {@code others} the rest. */
  private static long round(BertEncoder encoder, TokenBatch batch, int side, ExecutorService others) {
    long start = System.nanoTime();
    List<Future<?>> passes = new ArrayList<>(side - 1);
    for (int i = 1; i < side; i++) {
      passes.add(others.submit(() -> encoder.clsStates(batch)));
    }
    encoder.clsStates(batch);
    try {
      for (Future<?> pass : passes) {
        pass.get(ROUND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("a timed forward pass took over " + ROUND_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while timing the engines", e);
    }
    return System.nanoTime() - start;
  }
}
