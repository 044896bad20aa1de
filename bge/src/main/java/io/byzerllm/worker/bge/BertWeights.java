package io.byzerllm.worker.bge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.deploy.InvalidSpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A BERT encoder's weights under HuggingFace names, Linear weights {@code [out, in]}, for the
 * PyTorch engine's forward pass. {@code origin} says where they came from, for {@code stat}.
 */
record BertWeights(BertConfig config, Map<String, FloatTensor> tensors, String origin) {
  static final String CONVERTED_FILE = "bert-weights.safetensors";
  private static final ObjectMapper JSON = new ObjectMapper();

  BertWeights {
    tensors = Map.copyOf(tensors);
  }

  /**
   * The model's weights: {@code model.safetensors} with its config.json when the directory has
   * them, else the ONNX export's initializers, converted once into {@code cacheDir} and read from
   * that safetensors file on later loads.
   */
  static BertWeights load(BgeModelFiles files, Path cacheDir) {
    if (files.safetensors() != null && files.config() != null) {
      SafetensorsFile st = SafetensorsFile.read(files.safetensors());
      Map<String, FloatTensor> tensors = new HashMap<>();
      st.tensors().forEach((name, t) -> tensors.put(OnnxWeights.canonical(name), t.renamed(OnnxWeights.canonical(name))));
      return of(tensors, configHints(files.config()), files.safetensors().toString(), files);
    }
    if (files.onnx() == null) {
      throw new InvalidSpecException("--model_path " + files.dir() + " has neither model.safetensors with config.json "
          + "nor an ONNX export to take BERT weights from");
    }
    Path converted = convertedFile(files, cacheDir);
    if (!Files.isRegularFile(converted)) {
      OnnxWeights.Result fromOnnx = OnnxWeights.bertTensors(files.onnx());
      Map<String, String> hints = new HashMap<>(fromOnnx.hints());
      hints.putAll(configHints(files.config()));
      BertConfig config = of(fromOnnx.tensors(), hints, files.onnx().toString(), files).config();
      SafetensorsFile.write(converted, fromOnnx.tensors().values(), config.asHints());
    }
    SafetensorsFile st = SafetensorsFile.read(converted);
    return of(st.tensors(), st.metadata(), converted + " (converted from " + files.onnx().getFileName() + ")", files);
  }

  private static BertWeights of(Map<String, FloatTensor> tensors, Map<String, String> hints, String origin,
                                BgeModelFiles files) {
    try {
      return new BertWeights(BertConfig.fromWeights(tensors, hints), tensors, origin);
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException("--model_path " + files.dir() + ": " + e.getMessage());
    }
  }

  /** Where an ONNX export's converted weights live: beside a bundled copy, else keyed by path, size and time. */
  private static Path convertedFile(BgeModelFiles files, Path cacheDir) {
    try {
      Path bge = cacheDir.resolve("bge");
      Path dir = files.dir().startsWith(bge) ? files.dir()
          : bge.resolve("converted").resolve(files.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + Integer.toHexString(
              (files.onnx() + ":" + Files.size(files.onnx()) + ":" + Files.getLastModifiedTime(files.onnx())).hashCode()));
      Files.createDirectories(dir);
      return dir.resolve(CONVERTED_FILE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the weights cache under " + cacheDir, e);
    }
  }

  private static Map<String, String> configHints(Path configJson) {
    if (configJson == null) {
      return Map.of();
    }
    try {
      JsonNode root = JSON.readTree(configJson.toFile());
      Map<String, String> hints = new HashMap<>();
      for (String key : new String[] {"num_attention_heads", "layer_norm_eps"}) {
        if (root.hasNonNull(key)) {
          hints.put(key, root.get(key).asText());
        }
      }
      String type = root.path("model_type").asText("bert").toLowerCase(Locale.ROOT);
      if (!type.equals("bert")) {
        throw new InvalidSpecException("--model_path " + configJson.getParent() + " holds a '" + type
            + "' model; custom/bge runs BERT encoders (the BGE family)");
      }
      return hints;
    } catch (IOException e) {
      throw new InvalidSpecException("--model_path " + configJson.getParent() + ": config.json is not readable JSON ("
          + e.getMessage() + ")");
    }
  }

  FloatTensor tensor(String name) {
    FloatTensor t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException("the BERT weights from " + origin + " have no " + name);
    }
    return t;
  }

  long bytes() {
    return tensors.values().stream().mapToLong(t -> t.elements() * 4).sum();
  }
}
