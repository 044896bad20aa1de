package io.byzerllm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LuceneStoreSchemaTest extends StoreSchemaContract {
  @RegisterExtension final TempStore temp = new TempStore();

  @Override
  StoreFixture temp() {
    return temp;
  }
  @Test
  void schema_afterReopen_roundTripsEveryOption() throws Exception {
    temp.store().createTable(docs, everyOption());
    String catalog = Files.readString(temp.dir().resolve("catalog.json"));
    assertThat(catalog).contains("\"no_index\"").contains("\"analyze\"").contains("\"boolean\"");
    LuceneStore reopened = temp.reopen();
    assertThat(reopened.schema(docs)).contains(everyOption());
    assertThat(reopened.createTable(docs, everyOption())).isFalse();
  }

  @Test
  void schema_invalid_errorsNameTheField() {
    assertThatThrownBy(() -> TableSchema.of(FieldSpec.of("content", DataType.STRING)))
        .hasMessageContaining("\"_id\"");
    assertThatThrownBy(() -> new FieldSpec("tags", DataType.LONG, true, Set.of()))
        .hasMessageContaining("'tags'").hasMessageContaining("only float arrays");
    assertThatThrownBy(() -> FieldSpec.of("n", DataType.LONG, FieldOption.ANALYZE))
        .hasMessageContaining("'n'").hasMessageContaining("only string fields can be analyzed");
    assertThatThrownBy(() -> DataType.fromJson("map")).hasMessageContaining("'map'");
  }

}
