package io.byzerllm.storage;

import java.time.Instant;
import java.util.List;

/**
 * {@code backend} is "lucene" or "elasticsearch"; {@code location} is where the data lives: the store's directory, or
 * the cluster's URL. {@code lastCommit} is null when nothing was ever committed (through this instance, for
 * Elasticsearch).
 */
public record StoreStatus(String cluster, String backend, String location, List<TableStatus> tables, long documents, long bytesOnDisk,
                          Instant lastCommit) {
  public StoreStatus {
    tables = List.copyOf(tables);
  }
}
