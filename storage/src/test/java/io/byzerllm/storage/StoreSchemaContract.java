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

/** The schema specification, run against every backend. */
abstract class StoreSchemaContract {
  abstract StoreFixture temp();
  final TableRef docs = new TableRef("db", "docs");

  static TableSchema everyOption() {
    return TableSchema.of(
        FieldSpec.of("_id", DataType.STRING),
        FieldSpec.of("content", DataType.STRING, FieldOption.ANALYZE),
        FieldSpec.of("title", DataType.STRING, FieldOption.ANALYZE, FieldOption.SORT),
        FieldSpec.of("raw_content", DataType.STRING, FieldOption.NO_INDEX),
        FieldSpec.of("tag", DataType.STRING),
        FieldSpec.of("n", DataType.LONG, FieldOption.SORT),
        FieldSpec.of("f", DataType.FLOAT, FieldOption.SORT),
        FieldSpec.of("d", DataType.DOUBLE, FieldOption.SORT),
        FieldSpec.of("ok", DataType.BOOLEAN),
        FieldSpec.vector("vector"));
  }

  @Test
  void createTable_newThenSame_trueThenFalse() {
    assertThat(temp().store().createTable(docs, everyOption())).isTrue();
    assertThat(temp().store().createTable(docs, everyOption())).isFalse();
    assertThat(temp().store().schema(docs)).contains(everyOption());
  }

  @Test
  void createTable_differentSchema_conflictNamingBoth() {
    temp().store().createTable(docs, everyOption());
    var other = TableSchema.of(FieldSpec.of("_id", DataType.LONG), FieldSpec.of("content", DataType.STRING));
    assertThatThrownBy(() -> temp().store().createTable(docs, other))
        .isInstanceOf(LlmException.class)
        .satisfies(e -> assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining("db.docs exists with a different schema")
        .hasMessageContaining("_id long");
  }

  @Test
  void unknownTable_write_notFound() {
    assertThatThrownBy(() -> temp().store().write(new TableRef("db", "nope"), java.util.List.of()))
        .isInstanceOf(LlmException.class)
        .satisfies(e -> assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND))
        .hasMessageContaining("db.nope does not exist");
  }
}
