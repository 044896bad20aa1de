package io.byzerllm.worker.bge;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ModelBackend;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code custom/bge}: BAAI BGE sentence embeddings computed in this JVM with DJL, on the
 * OnnxRuntime or the PyTorch engine, with no network and no key. Vectors are the [CLS] hidden
 * state, L2-normalised; inputs longer than 512 tokens are truncated and counted. {@code query=true}
 * (byzerllm's embed_query) prepends the model's retrieval instruction.
 *
 * <p>Concurrent {@link #embed} calls are coalesced into shared forward passes by an
 * {@link EmbeddingBatcher} running on a thread of this backend's own; {@link #forwardPasses()} counts
 * them. Workers of one deployment in one JVM share the loaded weights. {@link #close()} returns at
 * once and, on the blocking executor (it waits for a forward pass and may free native memory),
 * stops the thread, fails calls still queued with {@code UNAVAILABLE}, and releases this worker's
 * hold on the weights; {@link #released()} completes after that.
 */
public final class BgeBackend implements ModelBackend {
  private final ModelSpec spec;
  private final LoadedModels.Key key;
  private final LoadedModel model;
  private final BatchSettings settings;
  private final Device device;
  private final int threads;
  private final EmbeddingBatcher batcher;
  private final int batchingThreads;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Executor blocking;
  private final CompletableFuture<Void> released = new CompletableFuture<>();
  private final MeterRegistry meters;
  private final DistributionSummary passSizes;

  private BgeBackend(BackendContext context, LoadedModels.Key key, LoadedModel model, BatchSettings settings,
                     Device device) {
    this.spec = context.spec();
    this.key = key;
    this.model = model;
    this.settings = settings;
    this.device = device;
    this.threads = context.cpuThreads();
    this.blocking = context.blockingExecutor();
    this.meters = context.meters();
    this.passSizes = DistributionSummary.builder("llm.embedding.batch.size")
        .description("texts per forward pass of a local embedding model (dynamic batching)")
        .tags("model", spec.model(), "worker", String.valueOf(context.workerIndex()))
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256).register(meters);
    this.batchingThreads = batchingThreads(settings, threads);
    this.batcher = new EmbeddingBatcher(model, settings, context.blockingExecutor(),
        "bge-" + spec.model() + "-" + context.workerIndex(), batchingThreads, passSizes);
  }

  /**
   * Loads (or shares) the model the spec names and starts the batching thread. Blocks while the
   * model loads; call it on a blocking executor.
   *
   * @throws io.byzerllm.deploy.InvalidSpecException for a bad --model_path, --infer_backend or bge.* infer param
   * @throws LlmException when the engine or the GPU cannot be used
   */
  public static ModelBackend open(BackendContext context) {
    ModelSpec spec = context.spec();
    BatchSettings settings = BatchSettings.from(spec);
    InferEngine requested = InferEngine.parseOrAuto(spec.inferBackend());
    try {
      BgeModelFiles files = BgeModelFiles.resolve(spec.modelPath(), context.cacheDir());
      Precision precision = Precision.from(spec);
      EngineChoice choice = EngineChoice.choose(files, requested, spec.gpusPerWorker() > 0, precision, CpuFlags.detect());
      DjlRuntime.prepare(context.cacheDir());
      Device device = DjlRuntime.device(choice.engine(), spec.gpusPerWorker(), context.gpuIndices());
      LoadedModels.Key key = new LoadedModels.Key(choice.weightsFile(files).toString() + choice.precision().fileSuffix()
          + (settings.lonePasses() ? "" : "#no-lone-pass"), choice.engine(), device.toString(), context.cpuThreads());
      LoadedModel model = LoadedModels.acquire(key,
          () -> BgeLoader.load(files, choice, device, context.cpuThreads(), context.cacheDir(), settings.lonePasses()));
      try {
        return new BgeBackend(context, key, model, settings, device);
      } catch (RuntimeException e) {
        LoadedModels.release(key);
        throw e;
      }
    } catch (LlmException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new LlmException(ErrorKind.INTERNAL, "custom/bge model '" + spec.model() + "' cannot load: "
          + e.getMessage(), e);
    }
  }

  /**
   * How many threads form and run passes: as asked, else one per CPU thread the worker holds. Both
   * engines take concurrent passes on one loaded model (an ONNX Runtime session; PyTorch's TorchScript
   * module, whose passes each run on one intra-op thread: {@link DjlRuntime}).
   */
  static int batchingThreads(BatchSettings settings, int cpuThreads) {
    return settings.batchingThreads() > 0 ? settings.batchingThreads() : Math.max(1, cpuThreads);
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.EMBEDDING);
  }

  /**
   * Embeds the inputs, one unit-length vector each, in order. Fails with {@code INVALID_REQUEST}
   * naming {@code input} for an empty string, and naming {@code dimensions} when it asks for a
   * size other than the model's.
   */
  @Override
  public CompletionStage<EmbeddingResult> embed(EmbeddingCall call) {
    for (int i = 0; i < call.inputs().size(); i++) {
      String text = call.inputs().get(i);
      if (text == null || text.isEmpty()) {
        return CompletableFuture.failedFuture(new LlmException(ErrorKind.INVALID_REQUEST, "input[" + i
            + "] is an empty string; every input must hold some text"));
      }
    }
    int dimension = model.encoder().dimension();
    if (call.dimensions() != null && call.dimensions() != dimension) {
      return CompletableFuture.failedFuture(new LlmException(ErrorKind.INVALID_REQUEST, "dimensions "
          + call.dimensions() + " is not available: " + model.files().name() + " gives " + dimension
          + "-dimensional vectors; omit dimensions or ask for " + dimension));
    }
    List<String> texts = call.inputs();
    if (call.query()) {
      texts = new ArrayList<>(texts.size());
      for (String text : call.inputs()) {
        texts.add(model.files().queryInstruction() + text);
      }
    }
    return batcher.submit(texts);
  }

  /** Forward passes run so far by this worker; fewer than the texts embedded when batching coalesces. */
  public long forwardPasses() {
    return batcher.forwardPasses();
  }

  /** Batching rounds that waited up to {@code bge.max_wait_ms} for other calls to join. */
  public long roundsThatWaited() {
    return batcher.roundsThatWaited();
  }

  /** The length of every vector this backend returns. */
  public int dimension() {
    return model.encoder().dimension();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("engine", model.engine().djlName());
    d.put("engine_choice", model.engineChoice());
    d.put("engine_detail", model.encoder().engineDescription());
    d.put("model", model.files().name());
    d.put("model_path", model.files().dir().toString());
    d.put("dimension", model.encoder().dimension());
    d.put("max_tokens", BgeTokenizer.MAX_TOKENS);
    d.put("device", device.toString());
    d.put("precision", model.precision().word());
    d.put("threads", threads);
    if (model.engine() == InferEngine.PYTORCH) {
      // Per process (the first worker to load the engine set it): each pass's share of the worker's threads.
      d.put("intra_op_threads", JniUtils.getNumThreads());
    }
    d.put("weights_bytes", model.encoder().weightsBytes());
    d.put("weights_shared_by_workers", LoadedModels.references(key));
    d.put("max_batch_size", settings.maxBatchSize());
    d.put("max_wait_ms", settings.maxWaitMs());
    if (model.encoder().computesPadding()) {
      d.put("pass_cost_tokens", settings.passCostTokens());
    } else {
      d.put("max_pass_tokens", settings.maxPassTokens());
    }
    d.put("batching_threads", batchingThreads);
    d.put("forward_passes", batcher.forwardPasses());
    d.put("texts_embedded", batcher.textsEmbedded());
    d.put("rounds_that_waited", batcher.roundsThatWaited());
    model.lonePass().ifPresent(lone -> {
      d.put("lone_pass_engine", lone.engineDescription());
      d.put("lone_passes", batcher.lonePasses());
    });
    return d;
  }

  /** Never blocks: a worker actor closes its backend on a dispatcher thread. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      meters.remove(passSizes);
      try {
        blocking.execute(this::release);
      } catch (RejectedExecutionException e) {
        release(); // the executor is already shut down: nothing else is left to wait for
      }
    }
  }

  private void release() {
    try {
      if (!batcher.stop()) {
        // A forward pass still runs on the weights: freeing them under it would crash the JVM; keep them.
        org.slf4j.LoggerFactory.getLogger(BgeBackend.class).warn("{}: a forward pass did not end in time; its"
            + " model stays loaded", this);
        return;
      }
      LoadedModels.release(key);
    } finally {
      released.complete(null);
    }
  }

  /** Completes once {@link #close()}'s work is done: the batching thread stopped, the weights let go. */
  @Override
  public CompletionStage<Void> released() {
    return released;
  }

  @Override
  public String toString() {
    return "BgeBackend[" + spec.model() + ", " + model.files().name() + " on " + model.engine().djlName() + "]";
  }
}
