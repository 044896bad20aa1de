package io.byzerllm.worker.bge;

import java.util.List;

/**
 * {@code bge.precision=auto}'s measurement at load: bf16 PyTorch against fp32 OnnxRuntime on one
 * representative batch (four short Chinese and English sentences, about what a node's batcher
 * gathers under load), both warmed up first, then timed in turns (A, B, A, B) so that load from
 * other processes falls on both alike. Each side's figure is its fastest pass: the least disturbed.
 */
final class EncoderRace {
  /** Mixed lengths and scripts, as requests come. */
  static final List<String> SENTENCES = List.of(
      "今天天气很好，我们去公园散步吧。",
      "Embeddings map sentences to vectors so that similar meanings end up close together.",
      "深度学习模型的训练需要大量的数据和计算资源。",
      "How do I renew my passport before travelling abroad?");
  private static final int WARM_UP_PASSES = 3;
  private static final int MIN_PASSES = 5;
  private static final long BUDGET_NANOS = 400_000_000L;

  private EncoderRace() {}

  static EngineChoice.Timings run(BgeTokenizer tokenizer, BertEncoder bf16, BertEncoder fp32) {
    TokenBatch batch = TokenBatch.of(SENTENCES.stream().map(tokenizer::encode).toList());
    for (int i = 0; i < WARM_UP_PASSES; i++) {
      bf16.clsStates(batch);
      fp32.clsStates(batch);
    }
    long bestBf16 = Long.MAX_VALUE;
    long bestFp32 = Long.MAX_VALUE;
    long end = System.nanoTime() + BUDGET_NANOS;
    for (int pass = 0; pass < MIN_PASSES || System.nanoTime() < end; pass++) {
      bestBf16 = Math.min(bestBf16, timed(bf16, batch));
      bestFp32 = Math.min(bestFp32, timed(fp32, batch));
    }
    return new EngineChoice.Timings(bestBf16 / 1e6 / batch.size(), bestFp32 / 1e6 / batch.size(), batch.size());
  }

  private static long timed(BertEncoder encoder, TokenBatch batch) {
    long start = System.nanoTime();
    encoder.clsStates(batch);
    return System.nanoTime() - start;
  }
}
