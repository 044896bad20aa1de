package io.byzerllm.deploy;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What {@code llm deploy} asks for: byzerllm's deploy flags, validated. {@code inferParams} may hold
 * secrets; only {@link #redacted()} may be logged or shown. {@code fallbacks}: other deployments, in
 * order, that serve this model's calls when its own workers fail before answering or are full.
 */
public record ModelSpec(
    String model,
    ModelType pretrainedModelType,
    String modelPath,
    String inferBackend,
    Map<String, String> inferParams,
    int numWorkers,
    int workerConcurrency,
    double cpusPerWorker,
    double gpusPerWorker,
    PlacementStrategy placement,
    List<String> fallbacks) {

  public static final double DEFAULT_CPUS_PER_WORKER = 0.01;
  /** custom/bge's number format, {@code --infer_params bge.precision}: checked here so that a typo fails the deploy. */
  public static final String BGE_PRECISION = "bge.precision";
  /** Its values; {@code auto}, the first, is the default. */
  public static final List<String> BGE_PRECISIONS = List.of("auto", "fp32", "bf16", "int8");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,127}");

  public ModelSpec {
    if (model == null || !NAME.matcher(model).matches()) {
      throw new InvalidSpecException("--model must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit (got '"
          + model + "')");
    }
    if (pretrainedModelType == null) {
      throw new InvalidSpecException("--pretrained_model_type is required; use one of " + ModelType.known());
    }
    modelPath = modelPath == null ? "" : modelPath;
    inferBackend = inferBackend == null ? "" : inferBackend;
    inferParams = Map.copyOf(inferParams == null ? Map.of() : inferParams);
    if (pretrainedModelType.family() == ModelType.Family.LOCAL_BGE) {
      String precision = inferParams.getOrDefault(BGE_PRECISION, "").trim().toLowerCase(Locale.ROOT);
      if (!precision.isEmpty() && !BGE_PRECISIONS.contains(precision)) {
        throw new InvalidSpecException("--infer_params " + BGE_PRECISION + " must be "
            + String.join(", ", BGE_PRECISIONS.subList(0, BGE_PRECISIONS.size() - 1)) + " or "
            + BGE_PRECISIONS.get(BGE_PRECISIONS.size() - 1) + " (got '" + precision + "')");
      }
    }
    if (numWorkers < 1) {
      throw new InvalidSpecException("--num_workers must be >= 1 (got " + numWorkers + ")");
    }
    if (workerConcurrency < 1) {
      throw new InvalidSpecException("--worker_concurrency must be >= 1 (got " + workerConcurrency + ")");
    }
    if (!(cpusPerWorker > 0) || Double.isInfinite(cpusPerWorker)) {
      throw new InvalidSpecException("--cpus_per_worker must be > 0 (got " + cpusPerWorker + ")");
    }
    if (!(gpusPerWorker >= 0) || Double.isInfinite(gpusPerWorker)) {
      throw new InvalidSpecException("--gpus_per_worker must be >= 0 (got " + gpusPerWorker + ")");
    }
    if (gpusPerWorker > 1 && gpusPerWorker != Math.rint(gpusPerWorker)) {
      throw new InvalidSpecException("--gpus_per_worker above 1 must be a whole number (got " + gpusPerWorker + ")");
    }
    placement = placement == null ? PlacementStrategy.SPREAD : placement;
    fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
    Set<String> seen = new HashSet<>();
    for (String f : fallbacks) {
      if (f == null || !NAME.matcher(f).matches()) {
        throw new InvalidSpecException("--fallback must name a deployed model (1-128 letters, digits, '.', '_' or '-'; got '"
            + f + "')");
      }
      if (f.equals(model) || !seen.add(f)) {
        throw new InvalidSpecException("--fallback '" + f + "' is " + (f.equals(model) ? "the model itself" : "given twice")
            + "; list other models, each once, in the order to try them");
      }
    }
  }

  /** A spec without fallbacks (what every deployment had before fallbacks existed). */
  public ModelSpec(String model, ModelType pretrainedModelType, String modelPath, String inferBackend,
                   Map<String, String> inferParams, int numWorkers, int workerConcurrency, double cpusPerWorker,
                   double gpusPerWorker, PlacementStrategy placement) {
    this(model, pretrainedModelType, modelPath, inferBackend, inferParams, numWorkers, workerConcurrency, cpusPerWorker,
        gpusPerWorker, placement, List.of());
  }

  /** A spec with byzerllm's defaults: 1 worker, the type's default concurrency, 0.01 CPU, 0 GPU. */
  public static ModelSpec of(String model, ModelType type, Map<String, String> inferParams) {
    return new ModelSpec(model, type, "", "", inferParams, 1, type.defaultWorkerConcurrency(), DEFAULT_CPUS_PER_WORKER,
        0, PlacementStrategy.SPREAD);
  }

  /**
   * How many threads one worker's engine computes on. A worker that claims CPUs
   * ({@code --cpus_per_worker}) gets that many (at least 1). A local model's worker left at the
   * default claim (0.01, i.e. no {@code --cpus_per_worker}) gets the cores its node has free, shared
   * with the other such workers of this deployment on the node: otherwise the quick start's deploy
   * would compute on one core of a machine with many.
   *
   * @param nodeFreeCpus the node's CPUs less those claimed by the workers already running there
   * @param workersOnNode this deployment's workers placed on the node (at least 1)
   */
  public int engineThreads(double nodeFreeCpus, int workersOnNode) {
    if (!pretrainedModelType.computesLocally() || cpusPerWorker != DEFAULT_CPUS_PER_WORKER) {
      return (int) Math.max(1, Math.round(cpusPerWorker));
    }
    // Rounded, as a claim is: the 0.01 CPU of a few SaaS workers must not cost the engine a core.
    return (int) Math.max(1, Math.round(nodeFreeCpus / Math.max(1, workersOnNode)));
  }

  public ModelSpec withWorkers(int numWorkers, int workerConcurrency) {
    return new ModelSpec(model, pretrainedModelType, modelPath, inferBackend, inferParams, numWorkers, workerConcurrency,
        cpusPerWorker, gpusPerWorker, placement, fallbacks);
  }

  public ModelSpec withResources(double cpus, double gpus) {
    return new ModelSpec(model, pretrainedModelType, modelPath, inferBackend, inferParams, numWorkers, workerConcurrency,
        cpus, gpus, placement, fallbacks);
  }

  public ModelSpec withModelPath(String path, String backend) {
    return new ModelSpec(model, pretrainedModelType, path, backend, inferParams, numWorkers, workerConcurrency,
        cpusPerWorker, gpusPerWorker, placement, fallbacks);
  }

  public ModelSpec withInferParams(Map<String, String> params) {
    return new ModelSpec(model, pretrainedModelType, modelPath, inferBackend, params, numWorkers, workerConcurrency,
        cpusPerWorker, gpusPerWorker, placement, fallbacks);
  }

  public ModelSpec withFallbacks(List<String> models) {
    return new ModelSpec(model, pretrainedModelType, modelPath, inferBackend, inferParams, numWorkers, workerConcurrency,
        cpusPerWorker, gpusPerWorker, placement, models);
  }

  public Resources perWorker() {
    return Resources.of(cpusPerWorker, gpusPerWorker);
  }

  public Resources total() {
    return perWorker().times(numWorkers);
  }

  /** An infer param, or the fallback when it is absent or blank. */
  public String param(String name, String fallback) {
    String v = inferParams.get(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /** The same spec with every secret infer param masked: what logs, stat and listings see. */
  public ModelSpec redacted() {
    return new ModelSpec(model, pretrainedModelType, modelPath, inferBackend, Secrets.mask(inferParams), numWorkers,
        workerConcurrency, cpusPerWorker, gpusPerWorker, placement, fallbacks);
  }

  /** The secret values this spec carries, for a {@link Redactor}. */
  public java.util.List<String> secretValues() {
    return inferParams.entrySet().stream().filter(e -> Secrets.isSecretParam(e.getKey())).map(Map.Entry::getValue).toList();
  }

  @Override
  public String toString() {
    Map<String, String> masked = new TreeMap<>(Secrets.mask(inferParams));
    return "ModelSpec[model=" + model + ", type=" + pretrainedModelType.id() + ", modelPath=" + modelPath
        + ", inferBackend=" + inferBackend + ", inferParams=" + masked + ", numWorkers=" + numWorkers
        + ", workerConcurrency=" + workerConcurrency + ", cpusPerWorker=" + cpusPerWorker + ", gpusPerWorker="
        + gpusPerWorker + ", placement=" + placement + ", fallbacks=" + fallbacks + "]";
  }
}
