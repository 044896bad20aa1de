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

/** The write specification, run against every backend. */
abstract class StoreWriteContract {
  abstract StoreFixture temp();
  final TableRef docs = new TableRef("db", "docs");

  static Map<String, Object> row(Object... kv) {
    var m = new HashMap<String, Object>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void write_everyType_readsBackTyped() {
    temp().store().createTable(docs, StoreSchemaContract.everyOption());
    temp().store().write(docs, List.of(row("_id", "a", "content", "向量检索 with Lucene", "title", "标题",
        "raw_content", "原文", "tag", "x", "n", 7, "f", 1.5, "d", 2.25, "ok", true, "vector", List.of(1, 2, 3))));
    temp().store().commit(docs);

    Map<String, Object> r = temp().all(docs).get(0);
    assertThat(r).containsEntry("_id", "a").containsEntry("content", "向量检索 with Lucene").containsEntry("title", "标题")
        .containsEntry("raw_content", "原文").containsEntry("tag", "x").containsEntry("n", 7L).containsEntry("f", 1.5f)
        .containsEntry("d", 2.25).containsEntry("ok", true).doesNotContainKey("vector").doesNotContainKey("_score");
    Map<String, Object> v = temp().store().search(docs, SearchQuery.all(1).withSelect("vector", "_id")).get(0);
    assertThat(v.keySet()).containsExactly("vector", "_id");
    float[] unit = (float[]) v.get("vector");
    double len = Math.sqrt(14);
    assertThat(unit).containsExactly(new float[] {(float) (1 / len), (float) (2 / len), (float) (3 / len)}, within(1e-6f));
  }

  @Test
  void write_sameStringIdTwice_keepsOneRowWithLastValues() {
    temp().store().createTable(docs, StoreSchemaContract.everyOption());
    temp().store().write(docs, List.of(row("_id", "a", "tag", "old", "n", 1)));
    temp().store().write(docs, List.of(row("_id", "a", "tag", "new", "n", 2), row("_id", "b", "tag", "b")));
    temp().store().commit(docs);

    assertThat(temp().all(docs)).hasSize(2);
    assertThat(temp().store().search(docs, SearchQuery.all(10).withFilter(Filter.eq("_id", "a"))))
        .singleElement().satisfies(r -> assertThat(r).containsEntry("tag", "new").containsEntry("n", 2L));
  }

  @Test
  void write_longIdsBelowAndAbove2pow31_upsertAndFilter() {
    var t = new TableRef("db", "longs");
    temp().store().createTable(t, TableSchema.of(FieldSpec.of("_id", DataType.LONG), FieldSpec.of("v", DataType.STRING)));
    temp().store().write(t, List.of(row("_id", 5, "v", "int"), row("_id", 5_000_000_000L, "v", "long")));
    temp().store().write(t, List.of(row("_id", 5L, "v", "int2"), row("_id", 5_000_000_000.0, "v", "long2")));
    temp().store().commit(t);

    assertThat(temp().all(t)).hasSize(2);
    assertThat(temp().store().search(t, SearchQuery.all(10).withFilter(Filter.eq("_id", 5))))
        .singleElement().satisfies(r -> assertThat(r).containsEntry("_id", 5L).containsEntry("v", "int2"));
    assertThat(temp().store().deleteByIds(t, List.of(5_000_000_000L))).isEqualTo(1);
    assertThat(StoreFixture.ids(temp().all(t))).containsExactly(5L);
  }

  @Test
  void write_oneBadRow_rejectsWholeBatchNamingRowAndField() {
    temp().store().createTable(docs, StoreSchemaContract.everyOption());
    temp().store().write(docs, List.of(row("_id", "v0", "vector", List.of(1, 0, 0))));
    temp().store().commit(docs);
    var good = row("_id", "good", "tag", "g");

    assertInvalid(List.of(good, row("_id", "x", "color", "red")), "row 1: field 'color' is not in the table's schema");
    assertInvalid(List.of(good, row("tag", "no id")), "row 1: field '_id' is missing");
    assertInvalid(List.of(good, good, row("_id", "x", "vector", List.of(1, 2))), "row 2, field 'vector': the vector has 2 dimensions, the field has 3");
    assertInvalid(List.of(good, row("_id", "x", "vector", new float[] {1, Float.NaN, 0})), "row 1, field 'vector': element 1 is NaN");
    assertInvalid(List.of(good, row("_id", "x", "vector", List.of(0, 0, 0))), "row 1, field 'vector': the vector is all zeros");
    assertInvalid(List.of(good, row("_id", "x", "n", "seven")), "row 1, field 'n': expected a whole number (long), got seven (String)");
    assertInvalid(List.of(good, row("_id", "x", "d", Double.NaN)), "row 1, field 'd': expected a finite number");
    assertInvalid(List.of(good, row("_id", 3)), "row 1, field '_id': expected a string");

    temp().store().commit(docs);
    assertThat(StoreFixture.ids(temp().all(docs))).containsExactly("v0");
  }

  private void assertInvalid(List<Map<String, Object>> batch, String message) {
    assertThatThrownBy(() -> temp().store().write(docs, batch))
        .isInstanceOf(LlmException.class)
        .satisfies(e -> assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.INVALID_REQUEST))
        .hasMessageContaining(message);
  }

  @Test
  void write_withoutCommit_searchableWithinOneSecond() {
    temp().store().createTable(docs, StoreSchemaContract.everyOption());
    temp().store().write(docs, List.of(row("_id", "a", "content", "hello world")));

    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
        .until(() -> temp().store().search(docs, SearchQuery.all(10).withKeyword("hello")).size() == 1);
  }

  @Test
  void commit_makesRowsVisibleAtOnceAndDurableAcrossReopen() {
    temp().store().createTable(docs, StoreSchemaContract.everyOption());
    temp().store().write(docs, List.of(row("_id", "a", "n", 1), row("_id", "b", "n", 2)));
    temp().store().commit(docs);
    assertThat(temp().all(docs)).hasSize(2);
    assertThat(temp().store().status().lastCommit()).isNotNull();

    Store reopened = temp().reopen();
    assertThat(StoreFixture.ids(temp().all(docs))).containsExactlyInAnyOrder("a", "b");
    assertThat(reopened.status().tables()).singleElement()
        .satisfies(s -> assertThat(s.documents()).isEqualTo(2))
        .satisfies(s -> assertThat(s.bytesOnDisk()).isPositive());
  }


  @Test
  void export_pagesOfTen_everyLiveRowOnceWithItsVector() {
    temp().store().createTable(docs, StoreSchemaContract.everyOption());
    var rows = new java.util.ArrayList<Map<String, Object>>();
    for (int i = 0; i < 25; i++) {
      rows.add(row("_id", "r" + i, "content", "文本 " + i, "n", i, "vector", List.of(1, i, 0)));
    }
    temp().store().write(docs, rows);
    temp().store().commit(docs);
    temp().store().deleteByIds(docs, List.of("r3", "r17"));

    var seen = new java.util.ArrayList<Map<String, Object>>();
    String after = null;
    int pages = 0;
    do {
      RowPage page = temp().store().export(docs, after, 10);
      seen.addAll(page.rows());
      after = page.next();
      pages++;
    } while (after != null && pages < 10);

    assertThat(StoreFixture.ids(seen)).hasSize(23).doesNotHaveDuplicates().doesNotContain("r3", "r17");
    Map<String, Object> r5 = seen.stream().filter(r -> r.get("_id").equals("r5")).findFirst().orElseThrow();
    assertThat(r5).containsEntry("n", 5L).containsEntry("content", "文本 5");
    double len = Math.sqrt(26);
    assertThat((float[]) r5.get("vector")).containsExactly(new float[] {(float) (1 / len), (float) (5 / len), 0}, within(1e-6f));
  }
}
