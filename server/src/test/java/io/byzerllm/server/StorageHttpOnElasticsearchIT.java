package io.byzerllm.server;

import io.byzerllm.testkit.ElasticsearchNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The same storage routes on a real Elasticsearch: {@code "backend": "elasticsearch"} when the store is opened. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // the first class of a run waits for Elasticsearch to start
@ExtendWith(ElasticsearchNode.class)
class StorageHttpOnElasticsearchIT extends StorageHttpContract {
  @Override
  String openBody() {
    return "{\"cluster\":\"it_store\",\"backend\":\"elasticsearch\",\"es_url\":\"" + ElasticsearchNode.url() + "\"}";
  }

  @Override
  String expectedLocation() {
    return ElasticsearchNode.url();
  }
}
