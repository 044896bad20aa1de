package io.byzerllm.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link ModelSpec} as a map of byzerllm's snake_case keys, the one shape that the CLI's flags, a
 * {@code --file deploy.yaml}, the HTTP API and the client share. Kebab-case keys are accepted too.
 */
public final class SpecFields {
  public static final String DEFAULT_TYPE = ModelType.SAAS_OPENAI.id();
  private static final Set<String> KNOWN = Set.of("model", "pretrained_model_type", "model_path", "infer_backend",
      "infer_params", "num_workers", "worker_concurrency", "cpus_per_worker", "gpus_per_worker", "placement",
      "fallbacks");

  private SpecFields() {}

  /** Builds and validates a spec; unknown keys and bad values are errors that name the key. */
  public static ModelSpec toSpec(Map<String, ?> raw) {
    Map<String, Object> fields = new LinkedHashMap<>();
    raw.forEach((k, v) -> fields.put(k.replace('-', '_').toLowerCase(Locale.ROOT), v));
    if (fields.containsKey("fallback")) { // the flag's name, as a --file may spell it
      fields.merge("fallbacks", fields.remove("fallback"), (a, b) -> {
        throw new InvalidSpecException("give either 'fallback' or 'fallbacks', not both");
      });
    }
    for (String k : fields.keySet()) {
      if (!KNOWN.contains(k)) {
        throw new InvalidSpecException("unknown deployment field '" + k + "'; known fields: " + KNOWN.stream().sorted().toList());
      }
    }
    ModelType type = ModelType.parse(string(fields, "pretrained_model_type", DEFAULT_TYPE));
    return new ModelSpec(
        string(fields, "model", null),
        type,
        string(fields, "model_path", ""),
        string(fields, "infer_backend", ""),
        InferParams.parse(fields.get("infer_params")),
        integer(fields, "num_workers", 1),
        integer(fields, "worker_concurrency", type.defaultWorkerConcurrency()),
        number(fields, "cpus_per_worker", ModelSpec.DEFAULT_CPUS_PER_WORKER),
        number(fields, "gpus_per_worker", 0),
        PlacementStrategy.parse(string(fields, "placement", "spread")),
        names(fields, "fallbacks"));
  }

  /** The spec as snake_case fields, secrets masked: safe to print, list or log. */
  public static Map<String, Object> toRedactedFields(ModelSpec spec) {
    ModelSpec r = spec.redacted();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", r.model());
    out.put("pretrained_model_type", r.pretrainedModelType().id());
    out.put("model_path", r.modelPath());
    out.put("infer_backend", r.inferBackend());
    out.put("infer_params", new TreeMap<>(r.inferParams()));
    out.put("num_workers", r.numWorkers());
    out.put("worker_concurrency", r.workerConcurrency());
    out.put("cpus_per_worker", r.cpusPerWorker());
    out.put("gpus_per_worker", r.gpusPerWorker());
    out.put("placement", r.placement().name().toLowerCase(Locale.ROOT));
    if (!r.fallbacks().isEmpty()) {
      out.put("fallbacks", r.fallbacks());
    }
    return out;
  }

  /** The spec as snake_case fields with secrets in clear: only for sending a deploy to a node. */
  public static Map<String, Object> toFields(ModelSpec spec) {
    Map<String, Object> out = toRedactedFields(spec);
    out.put("infer_params", new TreeMap<>(spec.inferParams()));
    return out;
  }

  private static String string(Map<String, Object> f, String key, String fallback) {
    Object v = f.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Map || v instanceof List) {
      throw new InvalidSpecException("--" + key + " must be a single value (got " + v + ")");
    }
    return v.toString();
  }

  /** A list of names: a YAML/JSON list, or one comma-separated string (a flag's value). */
  private static List<String> names(Map<String, Object> f, String key) {
    Object v = f.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> list) {
      return list.stream().map(o -> {
        if (o == null || o instanceof Map || o instanceof List) {
          throw new InvalidSpecException("--" + key + " must be a list of model names (got " + v + ")");
        }
        return o.toString().trim();
      }).toList();
    }
    if (v instanceof Map) {
      throw new InvalidSpecException("--" + key + " must be a list of model names (got " + v + ")");
    }
    return java.util.Arrays.stream(v.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static int integer(Map<String, Object> f, String key, int fallback) {
    Object v = f.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? n.intValue()
          : Integer.parseInt(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new InvalidSpecException("--" + key + " must be a whole number (got '" + v + "')");
    }
  }

  private static double number(Map<String, Object> f, String key, double fallback) {
    Object v = f.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new InvalidSpecException("--" + key + " must be a number (got '" + v + "')");
    }
  }
}
