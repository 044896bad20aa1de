package io.byzerllm.storage;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** {@code lastCommit} is null when nothing was ever committed. */
public record StoreStatus(String cluster, Path directory, List<TableStatus> tables, long documents, long bytesOnDisk,
                          Instant lastCommit) {
  public StoreStatus {
    tables = List.copyOf(tables);
  }
}
