package io.byzerllm.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A running store as its node reports it: the node's HTTP address, where its data lives (a directory, or the
 * Elasticsearch URL when {@code backend} is "elasticsearch"), its tables,
 * documents and bytes on disk, the time of its last commit (ISO-8601, null if never), and whether
 * {@code llm storage} deployed the {@code emb} model it uses (so that {@code llm storage stop} removes it).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoreInfo(String cluster, String node, String directory, List<Table> tables, long documents, long bytes,
                        @JsonProperty("last_commit") String lastCommit, @JsonProperty("emb_owned") boolean embOwned, String backend) {
  public StoreInfo {
    tables = tables == null ? List.of() : List.copyOf(tables);
  }

  /** One table: documents visible to search and bytes of its index files. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Table(String database, String table, long documents, long bytes) {}
}
