package io.byzerllm.worker.bge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A BAAI BGE model whose ONNX weights and tokenizer.json ship inside a jar on the classpath (the
 * langchain4j embedding artifacts on Maven Central), so a worker needs no network. Named on the
 * command line as {@code --model_path bundled:<name>}.
 */
public enum BundledModel {
  BGE_SMALL_ZH_V15("bge-small-zh-v1.5", "为这个句子生成表示以用于检索相关文章："),
  BGE_SMALL_EN_V15("bge-small-en-v1.5", "Represent this sentence for searching relevant passages: ");

  public static final String PREFIX = "bundled:";
  public static final BundledModel DEFAULT = BGE_SMALL_ZH_V15;

  private final String modelName;
  private final String queryInstruction;

  BundledModel(String modelName, String queryInstruction) {
    this.modelName = modelName;
    this.queryInstruction = queryInstruction;
  }

  public String modelName() {
    return modelName;
  }

  /** The instruction BAAI prescribes in front of retrieval queries (byzerllm's embed_query). */
  public String queryInstruction() {
    return queryInstruction;
  }

  /** The bundled model named by {@code bundled:<name>} (or the bare name), or null when none matches. */
  public static BundledModel byName(String text) {
    String name = text.trim().toLowerCase(Locale.ROOT);
    if (name.startsWith(PREFIX)) {
      name = name.substring(PREFIX.length());
    }
    for (BundledModel m : values()) {
      if (m.modelName.equals(name)) {
        return m;
      }
    }
    return null;
  }

  public static String names() {
    return Arrays.stream(values()).map(m -> PREFIX + m.modelName).collect(Collectors.joining(", "));
  }

  /**
   * Copies the model's {@code model.onnx} and {@code tokenizer.json} out of the jar into
   * {@code cacheDir/bge/<name>/} once, and returns that directory. Engines need file paths; a copy
   * that is already there with the right size is kept, and a new copy appears atomically, so
   * several workers may call this at once.
   */
  public Path extractTo(Path cacheDir) {
    Path dir = cacheDir.resolve("bge").resolve(modelName);
    try {
      Files.createDirectories(dir);
      copyOnce(modelName + ".onnx", dir.resolve("model.onnx"));
      copyOnce(modelName + "-tokenizer.json", dir.resolve("tokenizer.json"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the bundled " + modelName + " into " + dir, e);
    }
  }

  private static void copyOnce(String resource, Path target) throws IOException {
    URL url = BundledModel.class.getClassLoader().getResource(resource);
    if (url == null) {
      throw new IOException("resource " + resource + " is not on the classpath; the langchain4j-embeddings-"
          + resource.replace(".onnx", "").replace("-tokenizer.json", "").replace("-v1.5", "-v15")
          + " jar is missing");
    }
    URLConnection connection = url.openConnection();
    long size = connection.getContentLengthLong();
    if (Files.isRegularFile(target) && size >= 0 && Files.size(target) == size) {
      return;
    }
    Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
    try (InputStream in = connection.getInputStream()) {
      Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
