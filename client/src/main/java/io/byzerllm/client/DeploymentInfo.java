package io.byzerllm.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A deployment as the node reports it ({@code GET /api/deployments}): the spec it was deployed with,
 * secrets masked as {@code ***}, its state, its creation time (epoch seconds), what its model type
 * can do ({@code chat}, {@code stream}, {@code embedding}, ...), its workers, and the models that take
 * its calls when it cannot ({@code --fallback}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeploymentInfo(
    String model,
    @JsonProperty("pretrained_model_type") String pretrainedModelType,
    @JsonProperty("model_path") String modelPath,
    @JsonProperty("infer_backend") String inferBackend,
    @JsonProperty("infer_params") Map<String, String> inferParams,
    @JsonProperty("num_workers") int numWorkers,
    @JsonProperty("worker_concurrency") int workerConcurrency,
    @JsonProperty("cpus_per_worker") double cpusPerWorker,
    @JsonProperty("gpus_per_worker") double gpusPerWorker,
    String placement,
    String state,
    long created,
    List<String> capabilities,
    List<WorkerInfo> workers,
    List<String> fallbacks) {

  public DeploymentInfo {
    modelPath = modelPath == null ? "" : modelPath;
    inferBackend = inferBackend == null ? "" : inferBackend;
    inferParams = inferParams == null ? Map.of() : Map.copyOf(inferParams);
    placement = placement == null ? "" : placement;
    state = state == null ? "" : state;
    capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
    workers = workers == null ? List.of() : List.copyOf(workers);
    fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
  }

  /** How many workers are in state {@code ready}. */
  public long readyWorkers() {
    return workers.stream().filter(w -> "ready".equalsIgnoreCase(w.state())).count();
  }
}
