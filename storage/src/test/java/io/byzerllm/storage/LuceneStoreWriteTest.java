package io.byzerllm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LuceneStoreWriteTest extends StoreWriteContract {
  @RegisterExtension final TempStore temp = new TempStore();

  @Override
  StoreFixture temp() {
    return temp;
  }
  @Test
  void close_commitsPendingWrites() {
    temp.store().createTable(docs, StoreSchemaContract.everyOption());
    temp.store().write(docs, List.of(row("_id", "pending")));
    temp.reopen();
    assertThat(StoreFixture.ids(temp.all(docs))).containsExactly("pending");
  }

  @Test
  void open_sameDirectoryTwice_conflictNamingTheDirectory() {
    assertThatThrownBy(() -> LuceneStore.open("other", temp.dir()))
        .isInstanceOf(LlmException.class)
        .satisfies(e -> assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining(temp.dir().toAbsolutePath().toString())
        .hasMessageContaining("in use by another store");
  }
}
