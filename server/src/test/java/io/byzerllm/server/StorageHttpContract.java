package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/storage} on one real node over loopback HTTP, the same specification for every backend: the store is
 * opened with {@link #openBody()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StorageHttpContract {
  private static final String STORE = "/api/storage/it_store";
  private static final String SCHEMA = """
      {"fields":[{"name":"_id","type":"string"},{"name":"content","type":"string","options":["analyze"]},
                 {"name":"tag","type":"string"},{"name":"n","type":"long","options":["sort"]},
                 {"name":"vector","type":"float","array":true}]}""";
  @TempDir static Path home;
  Node node;
  NodeCalls calls;

  /** The body that opens the store "it_store" on the backend under test. */
  abstract String openBody();

  /** Where the status says the data of "it_store" lives. */
  abstract String expectedLocation();

  @BeforeAll
  void start() throws Exception {
    node = Node.start(NodeSettings.ephemeral(home));
    calls = new NodeCalls(node.httpUrl());
    HttpResponse<String> opened = calls.post("/api/storage/stores", openBody());
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private String rows(int from, int to) {
    List<String> rows = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String tag = i % 2 == 0 ? "even" : "odd";
      String content = i == 3 ? "北京的天气很好" : "document number " + i;
      rows.add("{\"_id\":\"d%d\",\"content\":\"%s\",\"tag\":\"%s\",\"n\":%d,\"vector\":[%d,1,0]}"
          .formatted(i, content, tag, i, i));
    }
    return "{\"rows\":[" + String.join(",", rows) + "],\"vector_fields\":[\"vector\"],\"search_fields\":[\"content\"]}";
  }

  private HttpResponse<String> createTable(String table) throws Exception {
    return calls.post(STORE + "/db/" + table, SCHEMA);
  }

  private void filled(String table, int count) throws Exception {
    assertThat(createTable(table).statusCode()).isEqualTo(201);
    HttpResponse<String> w = calls.post(STORE + "/db/" + table + "/rows", rows(0, count));
    assertThat(w.statusCode()).as(w.body()).isEqualTo(200);
    assertThat(NodeCalls.json(w).path("written").asInt()).isEqualTo(count);
    HttpResponse<String> c = calls.post(STORE + "/db/" + table + "/commit", "");
    assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
  }

  private JsonNode search(String table, String body) throws Exception {
    HttpResponse<String> r = calls.post(STORE + "/db/" + table + "/search", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return NodeCalls.json(r).path("rows");
  }

  @Test
  void createTable_twiceThenDifferentSchema_createdThenNotCreatedThenConflict() throws Exception {
    HttpResponse<String> first = createTable("schemas");
    HttpResponse<String> again = createTable("schemas");
    HttpResponse<String> other = calls.post(STORE + "/db/schemas", "{\"fields\":[{\"name\":\"_id\",\"type\":\"long\"}]}");

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(NodeCalls.json(first).path("created").asBoolean()).isTrue();
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(NodeCalls.json(again).path("created").asBoolean()).isFalse();
    assertThat(other.statusCode()).isEqualTo(409);
    assertThat(NodeCalls.json(other).at("/error/type").asText()).isEqualTo("conflict_error");
  }

  @Test
  void search_keywordVectorFilterSortSelect_answersOnlyMatchingRowsWithScores() throws Exception {
    filled("search", 10);

    JsonNode keyword = search("search", "{\"keyword\":\"天气\",\"fields\":[\"content\"]}");
    JsonNode vector = search("search", "{\"vector\":[9,1,0],\"vector_field\":\"vector\",\"limit\":3}");
    JsonNode filtered = search("search", """
        {"vector":[9,1,0],"vector_field":"vector","filter":{"and":[{"field":"tag","value":"even"},
         {"field":"n","min":2,"max":6}]},"sorts":[{"field":"n","order":"desc"}],"select":["_id","n"]}""");

    assertThat(keyword).hasSize(1);
    assertThat(keyword.get(0).path("_id").asText()).isEqualTo("d3");
    assertThat(keyword.get(0).path("content").asText()).isEqualTo("北京的天气很好");
    assertThat(keyword.get(0).path("_score").asDouble()).isPositive();
    assertThat(vector).hasSize(3);
    assertThat(vector.get(0).path("_id").asText()).isEqualTo("d9");
    assertThat(filtered).extracting(r -> r.path("_id").asText()).containsExactly("d6", "d4", "d2");
    assertThat(filtered.get(0).has("content")).isFalse();
    assertThat(filtered.get(0).has("_score")).isTrue();
  }

  @Test
  void delete_byFilterByIdsTruncateDrop_removesRowsAndTableCanBeCreatedAgain() throws Exception {
    filled("deletes", 6);

    HttpResponse<String> byFilter = calls.post(STORE + "/db/deletes/delete", "{\"filter\":{\"or\":[{\"field\":\"tag\",\"value\":\"odd\"}]}}");
    HttpResponse<String> byIds = calls.post(STORE + "/db/deletes/delete", "{\"ids\":[\"d0\",\"missing\"]}");
    JsonNode left = search("deletes", "{\"filter\":{\"and\":[]},\"limit\":100}");
    HttpResponse<String> truncated = calls.post(STORE + "/db/deletes/truncate", "");
    JsonNode afterTruncate = search("deletes", "{\"filter\":{\"and\":[]},\"limit\":100}");
    HttpResponse<String> dropped = calls.delete(STORE + "/db/deletes");
    HttpResponse<String> searchDropped = calls.post(STORE + "/db/deletes/search", "{\"keyword\":\"x\",\"fields\":[\"content\"]}");
    HttpResponse<String> recreated = createTable("deletes");

    assertThat(NodeCalls.json(byFilter).path("deleted").asLong()).isEqualTo(3);
    assertThat(NodeCalls.json(byIds).path("deleted").asLong()).isEqualTo(1);
    assertThat(left).extracting(r -> r.path("_id").asText()).containsExactlyInAnyOrder("d2", "d4");
    assertThat(truncated.statusCode()).isEqualTo(200);
    assertThat(afterTruncate).isEmpty();
    assertThat(NodeCalls.json(dropped).path("dropped").asBoolean()).isTrue();
    assertThat(searchDropped.statusCode()).isEqualTo(404);
    assertThat(NodeCalls.json(searchDropped).at("/error/type").asText()).isEqualTo("not_found_error");
    assertThat(recreated.statusCode()).isEqualTo(201);
  }

  @Test
  void write_badRowsAndUnknownThings_answerOpenAiShapedErrorsNamingTheProblem() throws Exception {
    assertThat(createTable("errors").statusCode()).isEqualTo(201);

    HttpResponse<String> noId = calls.post(STORE + "/db/errors/rows", "{\"rows\":[{\"_id\":\"a\"},{\"content\":\"x\"}]}");
    HttpResponse<String> textVector = calls.post(STORE + "/db/errors/rows",
        "{\"rows\":[{\"_id\":\"a\",\"vector\":\"needs emb\"}],\"vector_fields\":[\"vector\"]}");
    HttpResponse<String> notJson = calls.post(STORE + "/db/errors/rows", "{rows");
    HttpResponse<String> unknownTable = calls.post(STORE + "/db/nothing/rows", "{\"rows\":[{\"_id\":\"a\"}]}");
    HttpResponse<String> unknownStore = calls.post("/api/storage/no_store/db/t/search", "{\"keyword\":\"x\"}");
    HttpResponse<String> startedTwice = calls.post("/api/storage/stores", "{\"cluster\":\"it_store\"}");
    JsonNode nothingWritten = search("errors", "{\"filter\":{\"and\":[]}}");

    assertThat(noId.statusCode()).isEqualTo(400);
    assertThat(NodeCalls.json(noId).at("/error/message").asText()).contains("row 1").contains("_id");
    assertThat(textVector.statusCode()).isEqualTo(404);
    assertThat(NodeCalls.json(textVector).at("/error/message").asText()).contains("'emb'", "llm storage emb start");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(NodeCalls.json(notJson).at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(unknownTable.statusCode()).isEqualTo(404);
    assertThat(NodeCalls.json(unknownTable).at("/error/message").asText()).contains("db.nothing");
    assertThat(unknownStore.statusCode()).isEqualTo(404);
    assertThat(NodeCalls.json(unknownStore).at("/error/message").asText()).contains("llm storage start --cluster no_store");
    assertThat(startedTwice.statusCode()).isEqualTo(409);
    assertThat(NodeCalls.json(startedTwice).at("/error/message").asText()).contains("already running");
    assertThat(nothingWritten).isEmpty();
  }

  @Test
  void storeStatus_afterCommit_listsTablesDocumentsBytesAndLastCommit() throws Exception {
    filled("status", 4);

    HttpResponse<String> r = calls.get("/api/storage/stores/it_store");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode s = NodeCalls.json(r);
    assertThat(s.path("cluster").asText()).isEqualTo("it_store");
    assertThat(s.path("node").asText()).isEqualTo(node.httpUrl());
    assertThat(s.path("directory").asText()).isEqualTo(expectedLocation());
    assertThat(s.path("last_commit").asText()).isNotBlank();
    JsonNode table = null;
    for (JsonNode t : s.path("tables")) {
      if (t.path("table").asText().equals("status")) {
        table = t;
      }
    }
    assertThat(table).isNotNull();
    assertThat(table.path("database").asText()).isEqualTo("db");
    assertThat(table.path("documents").asLong()).isEqualTo(4);
    assertThat(table.path("bytes").asLong()).isPositive();
  }
}
