package io.byzerllm.worker.bge;

import io.byzerllm.deploy.InvalidSpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What a {@code --model_path} holds: an ONNX export, a TorchScript export, HuggingFace BERT weights
 * (config.json + model.safetensors), and the tokenizer.json every kind needs. A path field is null
 * when that file is absent. {@code queryInstruction} is what {@code query=true} prepends.
 */
public record BgeModelFiles(String name, Path dir, Path onnx, Path torchScript, Path safetensors, Path config,
                            Path tokenizer, String queryInstruction) {

  public BgeModelFiles {
    if (tokenizer == null) {
      throw new IllegalArgumentException("a BGE model needs a tokenizer.json");
    }
  }

  /**
   * Resolves {@code --model_path}: blank means the bundled bge-small-zh-v1.5, {@code bundled:<name>} a
   * bundled model (copied into {@code cacheDir} once), anything else a file or directory on disk.
   *
   * @throws InvalidSpecException when the path does not exist or holds none of the supported kinds
   */
  public static BgeModelFiles resolve(String modelPath, Path cacheDir) {
    String path = modelPath == null ? "" : modelPath.trim();
    if (path.isEmpty()) {
      return bundled(BundledModel.DEFAULT, cacheDir);
    }
    if (path.toLowerCase(Locale.ROOT).startsWith(BundledModel.PREFIX)) {
      BundledModel model = BundledModel.byName(path);
      if (model == null) {
        throw new InvalidSpecException("--model_path '" + path + "' names no bundled model; use one of "
            + BundledModel.names());
      }
      return bundled(model, cacheDir);
    }
    return onDisk(Path.of(path).toAbsolutePath().normalize(), path);
  }

  private static BgeModelFiles bundled(BundledModel model, Path cacheDir) {
    Path dir = model.extractTo(cacheDir);
    return new BgeModelFiles(model.modelName(), dir, dir.resolve("model.onnx"), null, null, null,
        dir.resolve("tokenizer.json"), model.queryInstruction());
  }

  private static BgeModelFiles onDisk(Path given, String asWritten) {
    if (!Files.exists(given)) {
      throw new InvalidSpecException("--model_path '" + asWritten + "' does not exist; " + accepted());
    }
    Path dir = Files.isDirectory(given) ? given : given.getParent();
    List<Path> files = listFiles(dir);
    Path onnx = Files.isRegularFile(given) && given.toString().endsWith(".onnx") ? given : first(files, ".onnx");
    Path pt = Files.isRegularFile(given) && given.toString().endsWith(".pt") ? given : first(files, ".pt");
    Path safetensors = named(files, "model.safetensors");
    Path config = named(files, "config.json");
    Path tokenizer = named(files, "tokenizer.json");
    boolean hasWeights = onnx != null || pt != null || safetensors != null && config != null;
    if (!hasWeights || tokenizer == null) {
      throw new InvalidSpecException("--model_path '" + asWritten + "' holds no BGE model this worker can load (found: "
          + found(files) + "); " + accepted());
    }
    String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
    return new BgeModelFiles(name, dir, onnx, pt, safetensors, config, tokenizer, guessInstruction(name));
  }

  /** BAAI's Chinese models take the Chinese instruction; every other BGE model the English one. */
  private static String guessInstruction(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.contains("zh") || n.contains("chinese") ? BundledModel.BGE_SMALL_ZH_V15.queryInstruction()
        : BundledModel.BGE_SMALL_EN_V15.queryInstruction();
  }

  private static String accepted() {
    return "give a directory holding tokenizer.json and a TorchScript export (*.pt), an ONNX export (*.onnx) or a "
        + "HuggingFace BERT model (config.json + model.safetensors), or one of " + BundledModel.names();
  }

  private static List<Path> listFiles(Path dir) {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> top = Files.list(dir)) {
      top.sorted().forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list --model_path " + dir, e);
    }
    // HuggingFace's optimum layout keeps the ONNX export in an onnx/ subdirectory.
    Path onnxDir = dir.resolve("onnx");
    if (Files.isDirectory(onnxDir)) {
      try (Stream<Path> sub = Files.list(onnxDir)) {
        sub.sorted().forEach(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + onnxDir, e);
      }
    }
    return out;
  }

  private static Path first(List<Path> files, String suffix) {
    // Prefer model.onnx / model.pt over other exports in the same folder (e.g. quantized variants).
    return files.stream().filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(suffix))
        .sorted((a, b) -> Boolean.compare(!a.getFileName().toString().equals("model" + suffix),
            !b.getFileName().toString().equals("model" + suffix)))
        .findFirst().orElse(null);
  }

  private static Path named(List<Path> files, String fileName) {
    return files.stream().filter(Files::isRegularFile).filter(f -> f.getFileName().toString().equals(fileName))
        .findFirst().orElse(null);
  }

  private static String found(List<Path> files) {
    if (files.isEmpty()) {
      return "nothing, the directory is empty";
    }
    List<String> names = files.stream().limit(12).map(f -> f.getFileName() + (Files.isDirectory(f) ? "/" : "")).toList();
    return String.join(", ", names) + (files.size() > 12 ? ", ... (" + files.size() + " entries)" : "");
  }
}
