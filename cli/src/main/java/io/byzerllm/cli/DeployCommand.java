package io.byzerllm.cli;

import io.byzerllm.client.DeploymentInfo;
import io.byzerllm.deploy.DeployFile;
import io.byzerllm.deploy.InferParams;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.Redactor;
import io.byzerllm.deploy.SpecFields;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llm deploy}: byzerllm's deploy flags (and {@code --file deploy.yaml} with the same keys; the
 * flags given on the command line win), sent to the cluster; returns once every worker is ready.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true, description = "Deploy a model onto the cluster and wait until its workers are ready.")
final class DeployCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Mixin
  OutputOptions output;

  @Option(names = "--model", paramLabel = "NAME", description = "The deployment's name, what calls use.")
  String model;

  @Option(names = {"--pretrained_model_type", "--pretrained-model-type"}, paramLabel = "TYPE",
      description = "saas/openai (default), saas/official_openai, saas/reasoning_openai, custom/bge, ...")
  String pretrainedModelType;

  @Option(names = {"--model_path", "--model-path"}, paramLabel = "PATH", description = "Local weights (local models).")
  String modelPath;

  @Option(names = {"--infer_backend", "--infer-backend"}, paramLabel = "BACKEND", description = "Inference backend.")
  String inferBackend;

  @Option(names = {"--infer_params", "--infer-params"}, arity = "1..*", paramLabel = "KEY=VALUE",
      description = "Backend parameters, e.g. saas.base_url=... saas.api_key=... saas.model=...")
  List<String> inferParams;

  @Option(names = {"--num_workers", "--num-workers"}, paramLabel = "N", description = "Workers (default 1).")
  Integer numWorkers;

  @Option(names = {"--worker_concurrency", "--worker-concurrency"}, paramLabel = "N", description = "Calls in flight per worker (default 1; 32 for custom/bge, whose worker batches them).")
  Integer workerConcurrency;

  @Option(names = {"--cpus_per_worker", "--cpus-per-worker"}, paramLabel = "CPUS", description = "CPUs per worker (default 0.01; a custom/bge worker then computes on the node's free cores).")
  Double cpusPerWorker;

  @Option(names = {"--gpus_per_worker", "--gpus-per-worker"}, paramLabel = "GPUS", description = "GPUs per worker (default 0).")
  Double gpusPerWorker;

  @Option(names = "--placement", paramLabel = "spread|pack", description = "spread (default) or pack.")
  String placement;

  @Option(names = {"--fallback", "--fallbacks"}, split = ",", paramLabel = "MODEL",
      description = "Another deployed model to serve this one's calls when its workers fail before answering or are"
          + " full; repeat to try several in order.")
  List<String> fallbacks;

  @Option(names = "--file", paramLabel = "deploy.yaml", description = "The same keys as YAML; 'ENV {{VAR}}' values read the environment.")
  Path file;

  @Option(names = "--replace", description = "Swap an existing deployment of this name without dropping calls.")
  boolean replace;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    ModelSpec modelSpec = SpecFields.toSpec(fields());
    Redactor redactor = Redactor.of(modelSpec.secretValues());
    PrintWriter err = spec.commandLine().getErr();
    err.println("deploying " + modelSpec.model() + ": " + modelSpec.numWorkers() + " worker(s) of "
        + modelSpec.pretrainedModelType().id() + "; waiting until they are ready");
    err.flush();
    DeploymentInfo info;
    try (ProgressLine progress = ProgressLine.of(spec)) {
      info = progress.shown() ? new DeployWatch(cluster.connect(), progress).deploy(modelSpec, replace)
          : cluster.connect().deploy(modelSpec, replace);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.json) {
      out.println(redactor.apply(Json.pretty(info)));
    } else {
      SpecFields.toRedactedFields(modelSpec).forEach((k, v) -> out.println(redactor.apply(k + ": " + v)));
      out.println("Model " + info.model() + " deployed successfully: " + info.readyWorkers() + " workers ready");
    }
    out.flush();
    return 0;
  }

  /** The file's keys, overlaid by the flags given; infer_params merge key by key. */
  Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (file != null) {
      DeployFile.read(file, CliEnv.of(spec).vars()).forEach((k, v) -> fields.put(k.replace('-', '_'), v));
      replace |= Boolean.parseBoolean(String.valueOf(fields.remove("replace")));
      for (String key : List.of("ray_address", "address")) {
        if (fields.remove(key) != null) {
          spec.commandLine().getErr().println("note: --file's '" + key + "' is not used; pass --address instead");
        }
      }
    }
    Map<String, String> params = new LinkedHashMap<>(InferParams.parse(fields.get("infer_params")));
    params.putAll(InferParams.parse(inferParams));
    putIfGiven(fields, "model", model);
    putIfGiven(fields, "pretrained_model_type", pretrainedModelType);
    putIfGiven(fields, "model_path", modelPath);
    putIfGiven(fields, "infer_backend", inferBackend);
    putIfGiven(fields, "num_workers", numWorkers);
    putIfGiven(fields, "worker_concurrency", workerConcurrency);
    putIfGiven(fields, "cpus_per_worker", cpusPerWorker);
    putIfGiven(fields, "gpus_per_worker", gpusPerWorker);
    putIfGiven(fields, "placement", placement);
    putIfGiven(fields, "fallbacks", fallbacks);
    fields.put("infer_params", params);
    if (fields.get("model") == null) {
      throw new InvalidSpecException("--model is required: give it on the command line or as 'model:' in --file");
    }
    return fields;
  }

  private static void putIfGiven(Map<String, Object> fields, String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
  }
}
