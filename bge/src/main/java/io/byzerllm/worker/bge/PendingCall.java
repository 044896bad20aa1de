package io.byzerllm.worker.bge;

import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.Usage;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One embed() call while its texts go through forward passes, perhaps several and shared with
 * other calls. Touched by the batching threads (a call of many texts may span rounds that two threads
 * run), hence synchronized; the result is delivered on {@code completer} so that callers'
 * continuations never run on (and stall) a batching thread.
 */
final class PendingCall {
  private final CompletableFuture<EmbeddingResult> result = new CompletableFuture<>();
  private final float[][] vectors;
  private final String modelName;
  private final Executor completer;
  private int remaining;
  private int tokens;
  private int truncated;
  private boolean failed;

  PendingCall(int texts, String modelName, Executor completer) {
    this.vectors = new float[texts][];
    this.remaining = texts;
    this.modelName = modelName;
    this.completer = completer;
  }

  CompletableFuture<EmbeddingResult> result() {
    return result;
  }

  synchronized void deliver(int index, float[] vector, TokenizedText text) {
    if (failed) {
      return;
    }
    vectors[index] = vector;
    tokens += text.length();
    truncated += text.truncated() ? 1 : 0;
    if (--remaining == 0) {
      EmbeddingResult done = new EmbeddingResult(Arrays.asList(vectors), new Usage(tokens, 0), truncated, modelName);
      completer.execute(() -> result.complete(done));
    }
  }

  synchronized void fail(Throwable error) {
    if (!failed) {
      failed = true;
      completer.execute(() -> result.completeExceptionally(error));
    }
  }

}
