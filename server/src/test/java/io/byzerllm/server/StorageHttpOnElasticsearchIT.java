package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.testkit.ElasticsearchNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The same storage routes on a real Elasticsearch: {@code "backend": "elasticsearch"} when the store is opened. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // the first class of a run waits for Elasticsearch to start
@ExtendWith(ElasticsearchNode.class)
class StorageHttpOnElasticsearchIT extends StorageHttpContract {
  @Override
  String openBody() {
    return "{\"cluster\":\"it_store\",\"backend\":\"elasticsearch\",\"es_url\":\"" + ElasticsearchNode.url() + "\"}";
  }

  @Override
  String expectedLocation() {
    return ElasticsearchNode.url();
  }

  @Test
  void restart_storeOnElasticsearch_reopenedWithItsTablesAndKeyNeverOnDisk(@TempDir Path otherHome) throws Exception {
    String body = "{\"cluster\":\"es_kept\",\"backend\":\"elasticsearch\",\"es_url\":\"" + ElasticsearchNode.url() + "\"}";
    try (Node first = Node.start(NodeSettings.ephemeral(otherHome))) {
      NodeCalls c = new NodeCalls(first.httpUrl());
      assertThat(c.post("/api/storage/stores", body).statusCode()).isEqualTo(201);
      assertThat(c.post("/api/storage/es_kept/db/t", "{\"fields\":[{\"name\":\"_id\",\"type\":\"long\"}]}").statusCode()).isEqualTo(201);
      assertThat(c.post("/api/storage/es_kept/db/t/rows", "{\"rows\":[{\"_id\":1},{\"_id\":2}]}").statusCode()).isEqualTo(200);
      assertThat(c.post("/api/storage/es_kept/db/t/commit", "").statusCode()).isEqualTo(200);
    }
    try (Node second = Node.start(NodeSettings.ephemeral(otherHome))) {
      HttpResponse<String> status = new NodeCalls(second.httpUrl()).get("/api/storage/stores/es_kept");

      assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
      assertThat(NodeCalls.json(status).path("backend").asText()).isEqualTo("elasticsearch");
      assertThat(NodeCalls.json(status).path("documents").asLong()).isEqualTo(2);
    }
  }

  @Test
  void open_elasticsearchWithoutUrlOrWithBaseDir_badRequestNamingTheField() throws Exception {
    HttpResponse<String> noUrl = calls.post("/api/storage/stores", "{\"cluster\":\"x1\",\"backend\":\"elasticsearch\"}");
    HttpResponse<String> baseDir = calls.post("/api/storage/stores",
        "{\"cluster\":\"x2\",\"backend\":\"elasticsearch\",\"es_url\":\"http://127.0.0.1:1\",\"base_dir\":\"/tmp\"}");
    HttpResponse<String> unreachable = calls.post("/api/storage/stores",
        "{\"cluster\":\"x3\",\"backend\":\"elasticsearch\",\"es_url\":\"http://127.0.0.1:1\",\"es_api_key\":\"secret-42\"}");

    assertThat(noUrl.statusCode()).isEqualTo(400);
    assertThat(noUrl.body()).contains("es_url");
    assertThat(baseDir.statusCode()).isEqualTo(400);
    assertThat(baseDir.body()).contains("base_dir");
    assertThat(unreachable.statusCode()).isEqualTo(503);
    assertThat(unreachable.body()).contains("unreachable").doesNotContain("secret-42");
  }
}
