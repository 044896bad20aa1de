package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node stopped and started again on the same home opens the stores it held, with their tables and committed rows. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StorageRestartIT {
  @TempDir Path home;
  @TempDir Path baseDir;

  @Test
  void restart_sameHome_storesTablesAndCommittedRowsAreBack() throws Exception {
    try (Node first = Node.start(NodeSettings.ephemeral(home))) {
      NodeCalls calls = new NodeCalls(first.httpUrl());
      assertThat(calls.post("/api/storage/stores", "{\"cluster\":\"kept\"}").statusCode()).isEqualTo(201);
      assertThat(calls.post("/api/storage/stores", "{\"cluster\":\"elsewhere\",\"base_dir\":\"" + baseDir + "\"}")
          .statusCode()).isEqualTo(201);
      assertThat(calls.post("/api/storage/stores", "{\"cluster\":\"stopped\"}").statusCode()).isEqualTo(201);
      assertThat(calls.post("/api/storage/kept/db/t", "{\"fields\":[{\"name\":\"_id\",\"type\":\"long\"},"
          + "{\"name\":\"text\",\"type\":\"string\",\"options\":[\"analyze\"]}]}").statusCode()).isEqualTo(201);
      assertThat(calls.post("/api/storage/kept/db/t/rows", "{\"rows\":[{\"_id\":1,\"text\":\"持久的数据\"},"
          + "{\"_id\":2,\"text\":\"second row\"}]}").statusCode()).isEqualTo(200);
      assertThat(calls.post("/api/storage/kept/db/t/commit", "").statusCode()).isEqualTo(200);
      assertThat(calls.delete("/api/storage/stores/stopped").statusCode()).isEqualTo(200);
    }

    try (Node second = Node.start(NodeSettings.ephemeral(home))) {
      NodeCalls calls = new NodeCalls(second.httpUrl());
      HttpResponse<String> search = calls.post("/api/storage/kept/db/t/search", "{\"keyword\":\"数据\",\"fields\":[\"text\"]}");
      HttpResponse<String> status = calls.get("/api/storage/stores/kept");
      HttpResponse<String> elsewhere = calls.get("/api/storage/stores/elsewhere");
      HttpResponse<String> stopped = calls.get("/api/storage/stores/stopped");

      assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
      JsonNode rows = NodeCalls.json(search).path("rows");
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0).path("_id").asLong()).isEqualTo(1);
      assertThat(NodeCalls.json(status).path("documents").asLong()).isEqualTo(2);
      assertThat(NodeCalls.json(status).path("node").asText()).isEqualTo(second.httpUrl());
      assertThat(NodeCalls.json(elsewhere).path("directory").asText()).startsWith(baseDir.toString());
      assertThat(Files.isDirectory(baseDir.resolve("storage").resolve("elsewhere"))).isTrue();
      assertThat(stopped.statusCode()).isEqualTo(404);
    }
  }
}
