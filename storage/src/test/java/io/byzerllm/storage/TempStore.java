package io.byzerllm.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.byzerllm.storage.internal.LuceneTable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A real Lucene store in a fresh temporary directory per test, closed and removed after it. */
final class TempStore implements StoreFixture, BeforeEachCallback, AfterEachCallback {
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

  @Override
  public LuceneStore store() {
    return store;
  }

  Path dir() {
    return dir;
  }

  /** Closes the store gracefully and opens it again on the same directory. */
  @Override
  public LuceneStore reopen() {
    store.close();
    store = LuceneStore.open(CLUSTER, dir);
    return store;
  }
}
