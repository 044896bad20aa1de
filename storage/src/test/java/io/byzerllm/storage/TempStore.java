package io.byzerllm.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.byzerllm.storage.internal.LuceneTable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real Lucene store in a fresh temporary directory per test, closed and removed after it. */
final class TempStore implements BeforeEachCallback, AfterEachCallback {
  static final String CLUSTER = "test_store";
  private Path dir;
  private LuceneStore store;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("byzer-storage-test");
    store = LuceneStore.open(CLUSTER, dir);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    store.close();
    LuceneTable.deleteRecursively(dir);
  }

  LuceneStore store() {
    return store;
  }

  Path dir() {
    return dir;
  }

  /** Closes the store gracefully and opens it again on the same directory. */
  LuceneStore reopen() {
    store.close();
    store = LuceneStore.open(CLUSTER, dir);
    return store;
  }

  /** Every row of a table (filter-only path), up to 10,000. */
  List<Map<String, Object>> all(TableRef t) {
    return store.search(t, SearchQuery.all(10_000));
  }

  static List<Object> ids(List<Map<String, Object>> rows) {
    var out = new ArrayList<Object>();
    rows.forEach(r -> out.add(r.get("_id")));
    return out;
  }
}
