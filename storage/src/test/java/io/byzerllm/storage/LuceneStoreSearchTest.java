package io.byzerllm.storage;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LuceneStoreSearchTest extends StoreSearchContract {
  @RegisterExtension final TempStore temp = new TempStore();

  @Override
  StoreFixture temp() {
    return temp;
  }
}
