package io.byzerllm.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the storage builders send: bodies and paths, built without a node. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ByzerStorageRequestTest {
  private static final Transport TRANSPORT = new Transport(Transport.newHttpClient(), "http://127.0.0.1:1", null,
      Duration.ofSeconds(1));
  private static final StorageCalls CALLS = new StorageCalls(TRANSPORT, "byzerai_store", "db", "docs");

  @Test
  void schemaBody_everyTypeAndOptions_namesTypesAndOptionsOnTheWire() {
    Map<String, Object> body = new SchemaBuilder(CALLS)
        .addField("_id", DataType.STRING)
        .addField("content", DataType.STRING, FieldOption.ANALYZE)
        .addField("raw_content", DataType.STRING, FieldOption.NO_INDEX)
        .addArrayField("vector", DataType.FLOAT)
        .addField("n", DataType.LONG, FieldOption.SORT, FieldOption.SORT)
        .addField("ok", DataType.BOOLEAN)
        .addField("d", DataType.DOUBLE, FieldOption.SORT)
        .body();

    assertThat(Json.write(body)).isEqualTo("{\"fields\":["
        + "{\"name\":\"_id\",\"type\":\"string\",\"array\":false,\"options\":[]},"
        + "{\"name\":\"content\",\"type\":\"string\",\"array\":false,\"options\":[\"analyze\"]},"
        + "{\"name\":\"raw_content\",\"type\":\"string\",\"array\":false,\"options\":[\"no_index\"]},"
        + "{\"name\":\"vector\",\"type\":\"float\",\"array\":true,\"options\":[]},"
        + "{\"name\":\"n\",\"type\":\"long\",\"array\":false,\"options\":[\"sort\"]},"
        + "{\"name\":\"ok\",\"type\":\"boolean\",\"array\":false,\"options\":[]},"
        + "{\"name\":\"d\",\"type\":\"double\",\"array\":false,\"options\":[\"sort\"]}]}");
  }

  @Test
  void addArrayField_notFloat_refusedNamingTheField() {
    assertThatThrownBy(() -> new SchemaBuilder(CALLS).addArrayField("tags", DataType.STRING))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'tags'").hasMessageContaining("FLOAT");
  }

  @Test
  void addField_twice_refusedNamingTheField() {
    assertThatThrownBy(() -> new SchemaBuilder(CALLS).addField("a", DataType.LONG).addField("a", DataType.STRING))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' is added twice");
  }

  @Test
  void writeBodies_itemsWithFieldLists_copiesRowsAndUnitesFieldLists() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("_id", "1");
    row.put("content", "你好");
    row.put("vector", "你好");
    WriteBuilder w = new WriteBuilder(CALLS, "emb")
        .addItem(row, List.of("vector"), List.of("content"))
        .addItems(List.of(Map.of("_id", 2L, "vector", new float[] {0.5f, 1f})), List.of("vector"), List.of());
    row.put("content", "changed after adding");

    List<Map<String, Object>> bodies = w.bodies();

    assertThat(bodies).hasSize(1);
    assertThat(Json.tree(Json.write(bodies.get(0)))).isEqualTo(Json.tree("{\"rows\":["
        + "{\"_id\":\"1\",\"content\":\"你好\",\"vector\":\"你好\"},{\"_id\":2,\"vector\":[0.5,1.0]}],"
        + "\"vector_fields\":[\"vector\"],\"search_fields\":[\"content\"],\"emb_model\":\"emb\"}"));
  }

  @Test
  void writeBodies_moreRowsThanOneRequest_splitsIntoRequestsOfAThousand() {
    WriteBuilder w = new WriteBuilder(CALLS, "emb");
    for (int i = 0; i < 2500; i++) {
      w.addItem(Map.of("_id", (long) i));
    }

    List<Map<String, Object>> bodies = w.bodies();

    assertThat(bodies).extracting(b -> ((List<?>) b.get("rows")).size()).containsExactly(1000, 1000, 500);
    assertThat(((List<?>) bodies.get(2).get("rows")).get(0)).isEqualTo(Map.of("_id", 2000L));
  }

  @Test
  void queryBody_hybridWithNestedFiltersSortProjection_matchesTheContract() {
    QueryBuilder q = new QueryBuilder(CALLS, "emb")
        .setVectorQuery("问题", "vector")
        .setSearchQuery("关键词", "content")
        .andFilter().addCondition("tag", "a").addRange("n", 1, 10)
            .orFilter().addCondition("pinned", true).addRange("score", null, 0.5).build()
        .build()
        .sort("n", SortOption.DESC)
        .setFields("_id", "raw_content")
        .setLimit(5);

    assertThat(Json.write(q.body())).isEqualTo("{\"keyword\":\"关键词\",\"fields\":[\"content\"],\"vector\":\"问题\","
        + "\"vector_field\":\"vector\",\"filter\":{\"and\":[{\"field\":\"tag\",\"value\":\"a\"},"
        + "{\"field\":\"n\",\"min\":1,\"max\":10},{\"or\":[{\"field\":\"pinned\",\"value\":true},"
        + "{\"field\":\"score\",\"min\":null,\"max\":0.5}]}]},\"sorts\":[{\"field\":\"n\",\"order\":\"desc\"}],"
        + "\"select\":[\"_id\",\"raw_content\"],\"limit\":5,\"emb_model\":\"emb\"}");
  }

  @Test
  void queryBody_twoFilters_bothApplyUnderAnd() {
    QueryBuilder q = new QueryBuilder(CALLS, "emb").setVectorQuery(new float[] {1f, 0f}, "v")
        .andFilter().addCondition("a", 1).build()
        .orFilter().addCondition("b", "x").addCondition("b", "y").build();

    Map<String, Object> body = q.body();

    assertThat(Json.write(body.get("filter"))).isEqualTo("{\"and\":[{\"and\":[{\"field\":\"a\",\"value\":1}]},"
        + "{\"or\":[{\"field\":\"b\",\"value\":\"x\"},{\"field\":\"b\",\"value\":\"y\"}]}]}");
    assertThat(Json.write(body.get("vector"))).isEqualTo("[1.0,0.0]");
    assertThat(body.get("limit")).isEqualTo(QueryBuilder.DEFAULT_LIMIT);
  }

  @Test
  void build_emptyFilterGroup_refusedSayingWhatToAdd() {
    assertThatThrownBy(() -> new QueryBuilder(CALLS, "emb").orFilter().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orFilter() has no condition");
  }

  @Test
  void delete_withKeyword_refusedBeforeAnyRequest() {
    QueryBuilder q = new QueryBuilder(CALLS, "emb").setSearchQuery("x", "content").andFilter().addCondition("a", 1).build();

    assertThatThrownBy(q::delete).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("filter only");
  }

  @Test
  void execute_nothingSet_refusedBeforeAnyRequest() {
    assertThatThrownBy(() -> new QueryBuilder(CALLS, "emb").execute())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no keyword, vector or filter");
  }

  @Test
  void tablePath_namesNeedingEscapes_arePercentEncodedSegments() {
    assertThat(new StorageCalls(TRANSPORT, "my store", "数据", "a/b").tablePath())
        .isEqualTo("/api/storage/my%20store/%E6%95%B0%E6%8D%AE/a%2Fb");
  }

  @Test
  void connect_noCluster_usesByzerllmDefaultStoreAndHidesTheKey() {
    ByzerStorage s = ByzerStorage.connect("http://127.0.0.1:9", null, "db", "t", "sk-secret-123456789");

    assertThat(s.cluster()).isEqualTo("byzerai_store");
    assertThat(s.toString()).contains("apiKey=***").doesNotContain("sk-secret");
  }
}
