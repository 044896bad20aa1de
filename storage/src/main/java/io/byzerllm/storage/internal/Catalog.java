package io.byzerllm.storage.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.storage.TableRef;
import io.byzerllm.storage.TableSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The store's tables and schemas in {@code catalog.json}. Every change rewrites the whole file: written to a temporary
 * file, forced to disk, then renamed over the old one with an atomic move and the directory forced, so a crash leaves
 * either the old catalog or the new one, never a torn one, and no export step is needed (byzerllm keeps it in memory
 * until one).
 */
public final class Catalog {
  public static final String FILE = "catalog.json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Catalog() {}

  record Entry(String database, String table, List<FieldSpec> fields) {}

  record Contents(int version, List<Entry> tables) {}

  /** The tables in the catalog of {@code dir}, in creation order; empty when there is none yet. */
  public static Map<TableRef, TableSchema> read(Path dir) {
    Path file = dir.resolve(FILE);
    var out = new LinkedHashMap<TableRef, TableSchema>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      Contents c = JSON.readValue(file.toFile(), Contents.class);
      for (Entry e : c.tables()) {
        out.put(new TableRef(e.database(), e.table()), new TableSchema(e.fields()));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new LlmException(ErrorKind.INTERNAL, "cannot read the storage catalog " + file + ": " + e.getMessage()
          + "; restore it from a backup or move the directory aside", e);
    }
  }

  public static void write(Path dir, Map<TableRef, TableSchema> tables) {
    Path file = dir.resolve(FILE);
    Path temp = dir.resolve(FILE + ".tmp");
    var entries = tables.entrySet().stream()
        .map(e -> new Entry(e.getKey().database(), e.getKey().table(), e.getValue().fields())).toList();
    try {
      byte[] bytes = JSON.writeValueAsBytes(new Contents(1, entries));
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically; put the store on a local disk", e);
      }
      forceDirectory(dir);
    } catch (IOException e) {
      throw new LlmException(ErrorKind.INTERNAL, "cannot write the storage catalog " + file + ": " + e.getMessage(), e);
    }
  }

  /** Makes the rename itself durable. Not every platform can open a directory; there the rename is all we have. */
  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // e.g. Windows: directories cannot be opened as channels; NTFS journals the rename.
    }
  }
}
