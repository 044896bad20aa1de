package io.byzerllm.storage;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link Store} on Apache Lucene in one directory. (The engine lands in the next commits.) */
public final class LuceneStore implements Store {
  private LuceneStore() {}

  public static LuceneStore open(String cluster, Path dir) {
    throw new LlmException(ErrorKind.UNAVAILABLE, "the Lucene store engine is not built yet");
  }

  @Override public boolean createTable(TableRef t, TableSchema schema) { throw new UnsupportedOperationException(); }
  @Override public Optional<TableSchema> schema(TableRef t) { throw new UnsupportedOperationException(); }
  @Override public int write(TableRef t, List<Map<String, Object>> rows) { throw new UnsupportedOperationException(); }
  @Override public void commit(TableRef t) { throw new UnsupportedOperationException(); }
  @Override public void commitAll() { throw new UnsupportedOperationException(); }
  @Override public List<Map<String, Object>> search(TableRef t, SearchQuery q) { throw new UnsupportedOperationException(); }
  @Override public long deleteByFilter(TableRef t, Filter filter) { throw new UnsupportedOperationException(); }
  @Override public long deleteByIds(TableRef t, List<Object> ids) { throw new UnsupportedOperationException(); }
  @Override public void truncate(TableRef t) { throw new UnsupportedOperationException(); }
  @Override public boolean drop(TableRef t) { throw new UnsupportedOperationException(); }
  @Override public StoreStatus status() { throw new UnsupportedOperationException(); }
  @Override public void close() {}
}
