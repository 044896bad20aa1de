package io.byzerllm.storage;

import io.byzerllm.testkit.ElasticsearchNode;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A store on the run's real Elasticsearch ({@link ElasticsearchNode}, registered on the test class) under a store
 * name of its own per test, so tests never see each other's tables; its tables are dropped after the test.
 */
final class TempEsStore implements StoreFixture, BeforeEachCallback, AfterEachCallback {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private String cluster;
  private ElasticsearchStore store;

  @Override
  public void beforeEach(ExtensionContext context) {
    cluster = "test_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
    store = ElasticsearchStore.connect(cluster, config());
  }

  static ElasticsearchConfig config() {
    return ElasticsearchConfig.of(ElasticsearchNode.url());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      for (TableStatus t : store.status().tables()) {
        store.drop(t.table());
      }
    } finally {
      store.close();
    }
  }

  @Override
  public ElasticsearchStore store() {
    return store;
  }

  @Override
  public ElasticsearchStore reopen() {
    store.close();
    store = ElasticsearchStore.connect(cluster, config());
    return store;
  }
}
