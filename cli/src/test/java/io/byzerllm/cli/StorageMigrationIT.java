package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.byzerllm.client.ByzerStorage;
import io.byzerllm.client.DataType;
import io.byzerllm.client.FieldOption;
import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import io.byzerllm.testkit.ElasticsearchNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Growing past one machine as a user does it: a table in the embedded store, {@code llm storage export}, a store on a
 * real Elasticsearch ({@code llm storage start --backend elasticsearch}), {@code llm storage import}; the same
 * ByzerStorage query answers the same rows with the same scores on both, without embedding anything again.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@ExtendWith(ElasticsearchNode.class)
class StorageMigrationIT {
  @TempDir static Path home;
  static Node node;
  static Map<String, String> env;

  @BeforeAll
  static void startNode() {
    node = Node.start(NodeSettings.ephemeral(home));
    env = Map.of("LLM_HOME", home.toString(), "LLM_ADDRESS", node.httpUrl());
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  private static CliRun ok(String... args) {
    return CliRun.ok(env, args);
  }

  /** Queries without ties (BM25 ties fall in each store's own document order). */
  private static List<List<Map<String, Object>>> queries(ByzerStorage s) {
    return List.of(
        s.queryBuilder().setVectorQuery(List.of(1.0, 0.3, 0.0), "vector").setLimit(5).execute(),
        s.queryBuilder().setSearchQuery("独特 unique", "content").setLimit(5).execute());
  }

  @Test
  void exportFromLuceneImportIntoElasticsearch_sameRowsVectorsAndScores() throws Exception {
    ok("storage", "start", "--cluster", "local_store");
    ByzerStorage local = ByzerStorage.connect(node.httpUrl(), "local_store", "db", "docs");
    local.schemaBuilder().addField("_id", DataType.LONG).addField("content", DataType.STRING, FieldOption.ANALYZE)
        .addField("tag", DataType.STRING).addArrayField("vector", DataType.FLOAT).execute();
    var rows = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < 1203; i++) { // more than one export page and more than one import batch
      String text = i == 42 ? "一份独特的文档 a unique document" : (i % 3 == 0 ? "混合检索 " : "retrieval ") + "document " + i;
      rows.add(Map.of("_id", (long) i, "content", text,
          "tag", i % 2 == 0 ? "even" : "odd", "vector", List.of(1.0, i / 1203.0, (i % 7) / 7.0)));
    }
    local.writeBuilder().addItems(rows, List.of(), List.of()).execute();
    local.commit();
    Path file = home.resolve("docs.jsonl");

    CliRun exported = ok("storage", "export", "--cluster", "local_store", "--database", "db", "--table", "docs",
        "--output", file.toString());
    CliRun started = ok("storage", "start", "--cluster", "es_store", "--backend", "elasticsearch",
        "--es_url", ElasticsearchNode.url());
    CliRun imported = ok("storage", "import", "--cluster", "es_store", "--input", file.toString());
    CliRun status = ok("storage", "status", "--cluster", "es_store");

    assertThat(exported.out()).contains("exported 1203 rows of local_store.db.docs");
    assertThat(Files.readAllLines(file)).hasSize(1204);
    assertThat(started.out()).contains("storage es_store started on " + node.httpUrl(), "data in " + ElasticsearchNode.url());
    assertThat(imported.out()).contains("imported 1203 rows into es_store.db.docs");
    assertThat(status.out()).contains("1 tables, 1203 documents", "data: " + ElasticsearchNode.url());
    ByzerStorage remote = ByzerStorage.connect(node.httpUrl(), "es_store", "db", "docs");
    List<List<Map<String, Object>>> wants = queries(local);
    List<List<Map<String, Object>>> gots = queries(remote);
    for (int q = 0; q < wants.size(); q++) {
      List<Map<String, Object>> want = wants.get(q);
      List<Map<String, Object>> got = gots.get(q);
      assertThat(want).isNotEmpty();
      assertThat(got).extracting(r -> r.get("_id")).isEqualTo(want.stream().map(r -> r.get("_id")).toList());
      for (int i = 0; i < want.size(); i++) {
        assertThat(((Number) got.get(i).get("_score")).doubleValue())
            .isCloseTo(((Number) want.get(i).get("_score")).doubleValue(), within(1e-5));
      }
    }
    ok("storage", "stop", "--cluster", "es_store");
    ok("storage", "stop", "--cluster", "local_store");
  }

  @Test
  void storageStart_elasticsearchFlagsIncomplete_oneLineUsageError() {
    CliRun noUrl = CliRun.llm(env, "storage", "start", "--backend", "elasticsearch");
    CliRun urlAlone = CliRun.llm(env, "storage", "start", "--es_url", "http://127.0.0.1:9200");
    CliRun unknown = CliRun.llm(env, "storage", "start", "--backend", "solr");

    assertThat(noUrl.exitCode()).isEqualTo(2);
    assertThat(noUrl.err().strip()).isEqualTo("error: --backend elasticsearch needs --es_url, e.g. http://127.0.0.1:9200");
    assertThat(urlAlone.err().strip()).isEqualTo("error: --es_url needs --backend elasticsearch");
    assertThat(unknown.err().strip()).isEqualTo("error: --backend solr is unknown; use lucene or elasticsearch");
  }
}
