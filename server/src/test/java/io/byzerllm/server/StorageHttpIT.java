package io.byzerllm.server;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The storage routes on the embedded Lucene store in the node's temp home. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StorageHttpIT extends StorageHttpContract {
  @Override
  String openBody() {
    return "{\"cluster\":\"it_store\"}";
  }

  @Override
  String expectedLocation() {
    return home.resolve("storage").resolve("it_store").toAbsolutePath().toString();
  }
}
