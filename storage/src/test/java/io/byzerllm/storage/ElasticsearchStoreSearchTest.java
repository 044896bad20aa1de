package io.byzerllm.storage;

import io.byzerllm.testkit.ElasticsearchNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 180, unit = TimeUnit.SECONDS) // the first class of a run waits for Elasticsearch to start
@ExtendWith(ElasticsearchNode.class)
class ElasticsearchStoreSearchTest extends StoreSearchContract {
  @RegisterExtension final TempEsStore temp = new TempEsStore();

  @Override
  StoreFixture temp() {
    return temp;
  }
}
