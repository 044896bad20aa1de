package io.byzerllm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.testkit.ElasticsearchNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What is particular to the Elasticsearch backend: parity with the embedded store's scores, names, errors, secrets. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(ElasticsearchNode.class)
class ElasticsearchStoreTest {
  @RegisterExtension final TempEsStore es = new TempEsStore();
  @RegisterExtension final TempStore lucene = new TempStore();
  private final TableRef t = new TableRef("db", "docs");

  private static final List<Map<String, Object>> CORPUS = List.of(
      Map.of("_id", "a", "content", "Vector databases index embeddings for retrieval", "title", "vectors", "vector", List.of(1, 0.1, 0)),
      Map.of("_id", "b", "content", "向量数据库支持混合检索和全文检索", "title", "混合检索", "vector", List.of(0.2, 1, 0)),
      Map.of("_id", "c", "content", "BM25 ranks documents by term frequency; ranking with BM25", "title", "bm25", "vector", List.of(0, 0.3, 1)),
      Map.of("_id", "d", "content", "全文检索使用 BM25 算法对文档排序", "title", "全文", "vector", List.of(0.5, 0.5, 0.5)),
      Map.of("_id", "e", "content", "Hybrid retrieval fuses keyword and vector rankings", "title", "hybrid retrieval", "vector", List.of(1, 1, 0)));

  private void load(Store store) {
    store.createTable(t, StoreSchemaContract.everyOption());
    store.write(t, CORPUS);
    store.commit(t);
  }

  @Test
  void keywordAndHybrid_sameCorpusAsLucene_sameRowsAndScores() {
    load(es.store());
    load(lucene.store());
    for (SearchQuery q : List.of(
        SearchQuery.all(5).withKeyword("检索"),
        SearchQuery.all(5).withKeyword("BM25 ranking"),
        SearchQuery.all(5).withKeyword("retrieval vector", "content", "title"),
        SearchQuery.all(3).withKeyword("全文检索").withVector(new float[] {0, 1, 0.2f}, "vector"),
        SearchQuery.all(5).withVector(new float[] {1, 0.5f, 0}, "vector").withFilter(Filter.range("_id", "b", "e")))) {
      List<Map<String, Object>> want = lucene.store().search(t, q);
      List<Map<String, Object>> got = es.store().search(t, q);
      assertThat(StoreFixture.ids(got)).as("rows of %s", q).isEqualTo(StoreFixture.ids(want));
      for (int i = 0; i < want.size(); i++) {
        assertThat((double) got.get(i).get("_score")).as("score of row %d of %s", i, q)
            .isCloseTo((double) want.get(i).get("_score"), within(1e-5));
      }
    }
  }

  @Test
  void createTable_namesDifferingInCase_conflictSayingIndexNamesAreLowerCase() {
    es.store().createTable(t, StoreSchemaContract.everyOption());
    assertThatThrownBy(() -> es.store().createTable(new TableRef("db", "DOCS"), StoreSchemaContract.everyOption()))
        .isInstanceOf(LlmException.class)
        .satisfies(e -> assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.CONFLICT))
        .hasMessageContaining("holds table db.docs").hasMessageContaining("lower case");
  }

  @Test
  void connect_nothingListening_unavailableNamingTheUrl() throws IOException {
    int port;
    try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    assertThatThrownBy(() -> ElasticsearchStore.connect("x", ElasticsearchConfig.withApiKey(url, "secret-key-42")))
        .isInstanceOf(LlmException.class)
        .satisfies(e -> assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.UNAVAILABLE))
        .hasMessageContaining(url).hasMessageContaining("unreachable")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-key-42"));
  }

  @Test
  void config_credentials_neverInTextAndNotInTheUrl() {
    var withKey = ElasticsearchConfig.withApiKey("http://127.0.0.1:9200/", "secret-key-42");
    assertThat(withKey.toString()).doesNotContain("secret-key-42").contains("api_key=***");
    assertThat(withKey.url()).isEqualTo("http://127.0.0.1:9200");
    var basic = new ElasticsearchConfig("http://127.0.0.1:9200", null, "elastic", "pa55word", null);
    assertThat(basic.toString()).doesNotContain("pa55word").contains("username=elastic");
    assertThatThrownBy(() -> ElasticsearchConfig.of("http://elastic:pa55word@127.0.0.1:9200"))
        .hasMessageContaining("must not carry credentials").satisfies(e -> assertThat(e.getMessage()).doesNotContain("pa55word"));
  }

  @Test
  void write_engineBackPressure_overloadedWithTheEnginesMessage() throws Exception {
    es.store().createTable(t, StoreSchemaContract.everyOption());
    // The in-flight request breaker at 1 byte makes the cluster refuse every bulk with 429, as under real load.
    setCluster("{\"transient\":{\"network.breaker.inflight_requests.limit\":\"1b\"}}");
    try {
      assertThatThrownBy(() -> es.store().write(t, CORPUS))
          .isInstanceOf(LlmException.class)
          .satisfies(e -> assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.OVERLOADED))
          .hasMessageContaining("circuit_breaking_exception");
    } finally {
      setCluster("{\"transient\":{\"network.breaker.inflight_requests.limit\":null}}");
    }
    assertThat(es.store().write(t, CORPUS)).isEqualTo(5);
  }

  /** Test setup talks to the cluster's settings API directly: it is the engine's administration, not the store's path. */
  private static void setCluster(String json) throws Exception {
    var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    var r = http.send(HttpRequest.newBuilder(URI.create(ElasticsearchNode.url() + "/_cluster/settings"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }
}
