package io.byzerllm.worker.bge;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.EmbeddingResult;
import io.micrometer.core.instrument.DistributionSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dynamic batching on a thread of its own: texts from concurrent calls queue up, and the thread
 * takes the first, waits at most {@code maxWaitMs} for more (up to a few batches' worth), sorts
 * them by token count, and runs them in the passes of at most {@code maxBatchSize} texts that cost least
 * ({@link PassPlan}: a pass's fixed cost against its padding). An encoder that packs real tokens
 * computes no padding: its rounds are one pass each, of at most {@code maxPassTokens} tokens. With
 * {@code maxWaitMs = 0} a pass takes texts of one call only.
 *
 * <p>The wait is for company, so it is only spent where company is likely: when other calls are
 * already queued, or the previous round held several calls. A caller alone (one client at a time)
 * runs at once, as with {@code maxWaitMs = 0}; under load, while a pass runs the next callers queue,
 * and the pass itself becomes the batching window.
 * Callers never block; their futures complete on the completer executor.
 *
 * <p>Several batching threads may share the queue ({@code threads}): each takes a round and runs its
 * passes, so that under load passes run side by side, each on the thread that formed it, instead of one
 * pass at a time spread over the engine's intra-op threads (which wake and sleep at every operator).
 *
 * <p>A text that comes alone, with nothing queued behind it and no other pass running, after a round that also
 * ended alone, runs on the model's lone-pass encoder where it has one ({@link LoadedModel#lonePass()}): one pass
 * over all the worker's threads, the least latency for a caller alone, where passes side by side on one thread
 * each cost least CPU under load. (A round that ended with other calls about says that callers come
 * several at a time: a pass over all threads would then only make the next ones wait.) Only the first batching
 * thread runs lone passes, and an idle first thread is the one woken ({@link WorkQueue}): the engine threads
 * such a pass wakes belong to the thread that runs it, and a second set spinning after its own pass would slow
 * the next (docs/benchmarks.md).
 */
final class EmbeddingBatcher implements AutoCloseable {
  /** How many batches' worth of queued texts one round may sort together. */
  private static final int ROUND_BATCHES = 4;

  private record Item(PendingCall call, int index, String text) {}

  private record Tokenized(Item item, TokenizedText tokens) {}

  private final LoadedModel model;
  /** The encoder packs real tokens ({@link BertEncoder#computesPadding()} false): rounds of one pass. */
  private final boolean packed;
  private final BatchSettings settings;
  private final Executor completer;
  private final WorkQueue<Item> queue = new WorkQueue<>();
  private final AtomicLong forwardPasses = new AtomicLong();
  private final AtomicLong textsEmbedded = new AtomicLong();
  private final AtomicLong roundsThatWaited = new AtomicLong();
  private final AtomicLong lonePasses = new AtomicLong();
  /** Batching threads between taking a round's first text and the end of its passes. */
  private final AtomicInteger busyThreads = new AtomicInteger();
  /** The last round to end found no other pass running and nothing queued. */
  private volatile boolean lastRoundEndedAlone = true;
  private final List<Thread> threads;
  /** Texts per forward pass, on the node's {@code /metrics}. */
  private final DistributionSummary passSizes;
  private volatile boolean closed;

  EmbeddingBatcher(LoadedModel model, BatchSettings settings, Executor completer, String threadName, int threads,
                   DistributionSummary passSizes) {
    this.passSizes = passSizes;
    this.model = model;
    this.packed = !model.encoder().computesPadding();
    this.settings = settings;
    this.completer = completer;
    List<Thread> started = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      int rank = i;
      Thread thread = new Thread(() -> run(rank), i == 0 ? threadName : threadName + "." + i);
      thread.setDaemon(true);
      thread.start();
      started.add(thread);
    }
    this.threads = List.copyOf(started);
  }

  /** Queues the texts (already validated, instruction already applied) and returns their result. */
  CompletableFuture<EmbeddingResult> submit(List<String> texts) {
    PendingCall call = new PendingCall(texts.size(), model.files().name(), completer);
    if (closed) {
      call.fail(closing());
      return call.result();
    }
    List<Item> items = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      items.add(new Item(call, i, texts.get(i)));
    }
    queue.addAll(items);
    if (closed) {
      failQueued(); // close() may have drained the queue just before these texts arrived
    }
    return call.result();
  }

  long forwardPasses() {
    return forwardPasses.get();
  }

  long textsEmbedded() {
    return textsEmbedded.get();
  }

  /** Passes of a text alone run on the lone-pass encoder. */
  long lonePasses() {
    return lonePasses.get();
  }

  /** Rounds that waited for company (the others ran what was queued at once). */
  long roundsThatWaited() {
    return roundsThatWaited.get();
  }

  /** A batching thread; the first ({@code rank} 0) is woken first and alone runs lone passes ({@link WorkQueue}). */
  private void run(int rank) {
    int previousRoundCalls = 1; // calls in this thread's previous round
    while (!closed) {
      Item first;
      try {
        first = queue.take(rank);
      } catch (InterruptedException e) {
        break;
      }
      busyThreads.incrementAndGet();
      try {
        List<Tokenized> round = nextRound(first, previousRoundCalls, rank);
        previousRoundCalls = calls(round);
        embed(round, rank == 0);
        lastRoundEndedAlone = busyThreads.get() == 1 && queue.peek() == null;
      } finally {
        busyThreads.decrementAndGet();
      }
    }
    failQueued();
  }

  /** The next round's texts, tokenized; close() ends the wait for more, and the texts already taken still run. */
  private List<Tokenized> nextRound(Item first, int previousRoundCalls, int rank) {
    Round round = new Round();
    try {
      collect(first, round, previousRoundCalls, rank);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return round.texts;
  }

  /**
   * What one round takes. An encoder that computes padding gets a few batches' worth, to sort by length
   * and split ({@link PassPlan#of}). One that packs tokens gets one pass's worth and leaves the rest to the
   * next free batching thread: a round runs on one thread, so a round of several large passes would keep
   * the others idle while its callers wait.
   */
  private final class Round {
    final List<Tokenized> texts = new ArrayList<>();
    private int tokens;

    void add(Item item) {
      try {
        TokenizedText t = model.tokenizer().encode(item.text());
        texts.add(new Tokenized(item, t));
        tokens += t.length();
      } catch (RuntimeException e) {
        item.call().fail(new LlmException(ErrorKind.INTERNAL, "tokenizing input[" + item.index() + "] failed: "
            + e.getMessage(), e));
      }
    }

    boolean full() {
      return packed ? texts.size() >= settings.maxBatchSize() || tokens >= settings.maxPassTokens()
          : texts.size() >= settings.maxBatchSize() * ROUND_BATCHES;
    }

    /** Enough for a pass: no reason to wait for more, only to take what is already queued. */
    boolean aPassWorth() {
      return packed ? full() : texts.size() >= settings.maxBatchSize();
    }
  }

  private void collect(Item first, Round round, int previousRoundCalls, int rank) throws InterruptedException {
    round.add(first);
    if (settings.maxWaitMs() == 0) {
      while (!round.full()) {
        Item next = queue.pollIf(i -> i.call() == first.call()); // atomic: another batching thread may take too
        if (next == null) {
          return;
        }
        round.add(next);
      }
      return;
    }
    boolean company = previousRoundCalls > 1 || queue.peek() != null;
    if (company) {
      roundsThatWaited.incrementAndGet();
    }
    long deadline = company ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.maxWaitMs()) : 0;
    while (!round.full()) {
      long left = deadline - System.nanoTime();
      Item next = !company || left <= 0 || round.aPassWorth() ? queue.poll()
          : queue.poll(left, TimeUnit.NANOSECONDS, rank);
      if (next == null) {
        break;
      }
      round.add(next);
    }
  }

  private static int calls(List<Tokenized> round) {
    int calls = 0;
    PendingCall last = null;
    for (Tokenized t : round) {
      if (t.item().call() != last) { // a call's texts are queued together, so they arrive next to each other
        calls++;
        last = t.item().call();
      }
    }
    return calls;
  }

  private void embed(List<Tokenized> tokenized, boolean runsLonePasses) {
    if (runsLonePasses && tokenized.size() == 1 && model.lonePass().isPresent() && lastRoundEndedAlone
        && busyThreads.get() == 1 && queue.peek() == null) {
      lonePasses.incrementAndGet();
      forward(tokenized, model.lonePass().get());
      return;
    }
    tokenized.sort(Comparator.comparingInt(t -> t.tokens().length()));
    int[] lengths = new int[tokenized.size()];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = tokenized.get(i).tokens().length();
    }
    PassPlan plan = packed
        ? PassPlan.packed(lengths, settings.maxBatchSize(), settings.maxPassTokens())
        : PassPlan.of(lengths, settings.maxBatchSize(), settings.passCostTokens());
    int from = 0;
    for (int to : plan.ends()) {
      forward(tokenized.subList(from, to), model.encoder());
      from = to;
    }
  }

  private void forward(List<Tokenized> batch, BertEncoder encoder) {
    try {
      float[][] states = encoder.clsStates(TokenBatch.of(batch.stream().map(Tokenized::tokens).toList()));
      forwardPasses.incrementAndGet();
      textsEmbedded.addAndGet(batch.size());
      passSizes.record(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Tokenized t = batch.get(i);
        t.item().call().deliver(t.item().index(), normalized(states[i]), t.tokens());
      }
    } catch (RuntimeException e) {
      LlmException error = e instanceof LlmException l ? l
          : new LlmException(ErrorKind.INTERNAL, "the forward pass (" + encoder.engineDescription() + ") failed: "
              + e.getMessage(), e);
      batch.forEach(t -> t.item().call().fail(error));
    }
  }

  /** BGE's pooling ends in L2 normalisation, so cosine similarity is a dot product. */
  static float[] normalized(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float scale = sum == 0 ? 0f : (float) (1 / Math.sqrt(sum));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * scale;
    }
    return out;
  }

  private void failQueued() {
    for (Item item = queue.poll(); item != null; item = queue.poll()) {
      item.call().fail(closing());
    }
  }

  private static LlmException closing() {
    return new LlmException(ErrorKind.UNAVAILABLE, "this embedding worker is shutting down; retry on another worker");
  }

  /** Stops the threads after their current passes; texts still queued fail with UNAVAILABLE. */
  @Override
  public void close() {
    stop();
  }

  /** {@link #close}, saying whether the batching threads ended (false: a forward pass still runs after 30 s). */
  boolean stop() {
    closed = true;
    threads.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      for (Thread thread : threads) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued();
    return threads.stream().noneMatch(Thread::isAlive);
  }
}
