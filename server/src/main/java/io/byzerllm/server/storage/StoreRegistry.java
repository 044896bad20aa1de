package io.byzerllm.server.storage;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The stores a node holds, in one small JSON file under the node's directory, so that a restarted
 * node opens them again. Every change rewrites the whole file atomically (temp file, fsync, rename):
 * after a crash it holds either the old list or the new one.
 */
final class StoreRegistry {
  /**
   * One store the node opens at start: its name, its base directory (null: {@code $LLM_HOME}), whether storage
   * deployed {@code emb}; for a store on Elasticsearch its URL and whether it needs an API key (never the key).
   */
  record Entry(@JsonProperty("cluster") String cluster, @JsonProperty("base_dir") String baseDir,
               @JsonProperty("owns_emb") boolean ownsEmb, @JsonProperty("es_url") String esUrl,
               @JsonProperty("es_api_key") boolean esApiKey) {}

  private record Contents(@JsonProperty("stores") List<Entry> stores) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  StoreRegistry(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** The stores recorded; none when the file does not exist yet. */
  List<Entry> read() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      Contents c = JSON.readValue(file.toFile(), Contents.class);
      return c.stores() == null ? List.of() : List.copyOf(c.stores());
    } catch (IOException e) {
      throw new LlmException(ErrorKind.INTERNAL, "cannot read the store registry " + file + " (" + e.getMessage()
          + "); fix or remove the file, then open the stores again with `llm storage start`", e);
    }
  }

  synchronized void write(List<Entry> entries) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Contents(List.copyOf(entries))));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new LlmException(ErrorKind.INTERNAL, "cannot write the store registry " + file + ": " + e.getMessage(), e);
    }
  }
}
