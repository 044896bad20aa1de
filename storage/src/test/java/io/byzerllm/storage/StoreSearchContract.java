package io.byzerllm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The search specification, run against every backend (same inputs, same rows, same scores). */
abstract class StoreSearchContract {
  abstract StoreFixture temp();

  private final TableRef t = new TableRef("db", "docs");

  private static Map<String, Object> row(String id, String content, String tag, long n, double d, float... vector) {
    var m = new HashMap<String, Object>();
    m.put("_id", id);
    m.put("content", content);
    m.put("tag", tag);
    m.put("n", n);
    m.put("d", d);
    m.put("vector", vector);
    return m;
  }

  @BeforeEach
  void corpus() {
    temp().store().createTable(t, StoreSchemaContract.everyOption());
    temp().store().write(t, List.of(
        row("a", "apple banana", "fruit", 1, 0.5, 1, 0, 0),
        row("b", "cherry", "fruit", 2, 1.5, 0.9f, 0.1f, 0),
        row("c", "apple pie", "food", 3, 2.5, 0, 1, 0),
        row("d", "向量数据库支持混合检索", "db", 4, 3.5, 0, 0, 1),
        row("e", "全文检索使用 BM25 算法", "db", 5, 4.5, 0, 0.2f, 1)));
    temp().store().commit(t);
  }

  private List<Map<String, Object>> search(SearchQuery q) {
    return temp().store().search(t, q);
  }

  @Test
  void vector_identicalAndByzerExample_scoresAreOnePlusCosineOverTwo() {
    var v = new TableRef("db", "vec");
    temp().store().createTable(v, TableSchema.of(FieldSpec.of("_id", DataType.STRING), FieldSpec.vector("vector")));
    temp().store().write(v, List.of(Map.of("_id", "x", "vector", new float[] {1, 2, 3})));
    temp().store().commit(v);

    double same = (double) temp().store().search(v, SearchQuery.all(1).withVector(new float[] {1, 2, 3}, "vector")).get(0).get("_score");
    double near = (double) temp().store().search(v, SearchQuery.all(1).withVector(new float[] {1, 2.6f, 4}, "vector")).get(0).get("_score");
    assertThat(same).isCloseTo(1.0, within(1e-6));
    assertThat(near).isCloseTo(0.99895, within(1e-5));
  }

  @Test
  void hybrid_firstInBothAndSecondInVectorOnly_rrfGoldenNumbers() {
    // text recall: [a]; vector recall (depth = limit = 2): [a, b]
    List<Map<String, Object>> rows = search(SearchQuery.all(2).withKeyword("banana", "content").withVector(new float[] {1, 0, 0}, "vector"));
    assertThat(StoreFixture.ids(rows)).containsExactly("a", "b");
    assertThat((double) rows.get(0).get("_score")).isCloseTo(2.0 / 60, within(1e-12));
    assertThat((double) rows.get(1).get("_score")).isCloseTo(1.0 / 61, within(1e-12));
  }

  @Test
  void keyword_chineseAndEnglish_bm25FindsMatchingRows() {
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withKeyword("混合检索")))).first().isEqualTo("d");
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withKeyword("APPLE")))).containsExactlyInAnyOrder("a", "c");
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withKeyword("apple -pie \"|+")))).containsExactlyInAnyOrder("a", "c");
    assertThat(search(SearchQuery.all(10).withKeyword("*"))).hasSize(5).allSatisfy(r -> assertThat(r).containsKey("_score"));
  }

  @Test
  void keywordWithFilter_returnsOnlyRowsMatchingBoth() {
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withKeyword("apple").withFilter(Filter.eq("tag", "food")))))
        .containsExactly("c");
    assertThat(search(SearchQuery.all(10).withKeyword("apple").withFilter(Filter.eq("tag", "db")))).isEmpty();
  }

  @Test
  void vectorWithFilter_returnsOnlyMatchingRows() {
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withVector(new float[] {0, 1, 0}, "vector").withFilter(Filter.eq("tag", "db")))))
        .containsExactly("e", "d");
  }

  @Test
  void nestedAndOr_filtersAsWritten() {
    Filter f = Filter.or(Filter.and(Filter.eq("tag", "fruit"), Filter.range("n", 2, null)), Filter.eq("tag", "food"));
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withFilter(f)))).containsExactlyInAnyOrder("b", "c");
    Filter g = Filter.and(Filter.or(Filter.eq("tag", "db"), Filter.eq("tag", "food")), Filter.range("d", null, 3.5));
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withFilter(g)))).containsExactlyInAnyOrder("c", "d");
  }

  @Test
  void ranges_inclusiveOnLongDoubleAndString() {
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withFilter(Filter.range("n", 2, 4))))).containsExactlyInAnyOrder("b", "c", "d");
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withFilter(Filter.range("d", 1.5, 2.5))))).containsExactlyInAnyOrder("b", "c");
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withFilter(Filter.range("tag", "f", "fruit"))))).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void sort_onEveryPath_ordersTheResult() {
    var desc = new SortSpec("n", SortOrder.DESC);
    assertThat(StoreFixture.ids(search(SearchQuery.all(3).withSorts(desc)))).containsExactly("e", "d", "c");
    assertThat(StoreFixture.ids(search(SearchQuery.all(10).withKeyword("apple").withSorts(desc)))).containsExactly("c", "a");
    // by cosine to {1, 0.05, 0}: a, b, c, e, d (no ties)
    float[] v = {1, 0.05f, 0};
    assertThat(StoreFixture.ids(search(SearchQuery.all(3).withVector(v, "vector").withSorts(new SortSpec("d", SortOrder.DESC)))))
        .containsExactly("c", "b", "a");
    assertThat(StoreFixture.ids(search(SearchQuery.all(3).withKeyword("banana").withVector(v, "vector").withSorts(desc))))
        .containsExactly("c", "b", "a");
    assertThat(StoreFixture.ids(search(SearchQuery.all(3).withVector(v, "vector")))).containsExactly("a", "b", "c");
    assertThatThrownBy(() -> search(SearchQuery.all(3).withSorts(new SortSpec("tag", SortOrder.ASC))))
        .hasMessageContaining("sort field 'tag' has no sort option");
  }

  @Test
  void select_projectsFieldsAndLimitIsGlobal() {
    List<Map<String, Object>> rows = search(SearchQuery.all(2).withKeyword("apple").withSelect("_id", "n"));
    assertThat(rows).hasSize(2).allSatisfy(r -> assertThat(r.keySet()).containsExactlyInAnyOrder("_id", "n", "_score"));
    assertThat(search(SearchQuery.all(2).withSelect("tag"))).hasSize(2).allSatisfy(r -> assertThat(r.keySet()).containsExactly("tag"));
    assertThat(search(SearchQuery.all(3).withKeyword("apple cherry 检索").withVector(new float[] {0, 0, 1}, "vector"))).hasSize(3);
  }

  @Test
  void deleteByFilterAndIds_removeExactlyTheMatches() {
    assertThat(temp().store().deleteByFilter(t, Filter.and(Filter.eq("tag", "fruit")))).isEqualTo(2);
    assertThat(temp().store().deleteByIds(t, List.of("c", "missing"))).isEqualTo(1);
    assertThat(StoreFixture.ids(temp().all(t))).containsExactlyInAnyOrder("d", "e");
  }

  @Test
  void truncate_emptiesTableAndKeepsSchema() {
    temp().store().truncate(t);
    assertThat(temp().all(t)).isEmpty();
    temp().store().write(t, List.of(Map.of("_id", "z", "vector", List.of(1, 1))));
    temp().store().commit(t);
    assertThat(StoreFixture.ids(temp().all(t))).containsExactly("z");
  }

  @Test
  void dropThenCreate_startsEmptyAndWorks() {
    assertThat(temp().store().drop(t)).isTrue();
    assertThat(temp().store().drop(t)).isFalse();
    assertThatThrownBy(() -> temp().all(t)).hasMessageContaining("does not exist");
    assertThat(temp().store().createTable(t, StoreSchemaContract.everyOption())).isTrue();
    assertThat(temp().all(t)).isEmpty();
    temp().store().write(t, List.of(Map.of("_id", "new")));
    temp().store().commit(t);
    assertThat(StoreFixture.ids(temp().all(t))).containsExactly("new");
    assertThat(StoreFixture.ids(temp().reopen().search(t, SearchQuery.all(10)))).containsExactly("new");
  }
}
