package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes, one store: it is opened on node A, and every request sent to node B (which holds no store
 * and has no store directory) is answered by A through B.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StorageForwardingIT {
  @TempDir static Path homeA;
  @TempDir static Path homeB;
  static Node nodeA;
  static Node nodeB;
  static NodeCalls callsA;
  static NodeCalls callsB;

  @BeforeAll
  static void start() throws Exception {
    nodeA = Node.start(NodeSettings.ephemeral(homeA));
    nodeB = Node.start(NodeSettings.ephemeral(homeB).withJoin(List.of(nodeA.clusterAddress())));
    callsA = new NodeCalls(nodeA.httpUrl());
    callsB = new NodeCalls(nodeB.httpUrl());
    HttpResponse<String> opened = callsA.post("/api/storage/stores", "{\"cluster\":\"shared\"}");
    assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    nodeB.close();
    nodeA.close();
  }

  @Test
  void tableCalls_throughTheOtherNode_answeredByTheHolder() throws Exception {
    HttpResponse<String> created = callsB.post("/api/storage/shared/db/t", "{\"fields\":[{\"name\":\"_id\",\"type\":\"string\"},"
        + "{\"name\":\"text\",\"type\":\"string\",\"options\":[\"analyze\"]}]}");
    HttpResponse<String> written = callsB.post("/api/storage/shared/db/t/rows", "{\"rows\":[{\"_id\":\"a\",\"text\":\"转发的请求\"}]}");
    HttpResponse<String> committed = callsB.post("/api/storage/shared/db/t/commit", "");
    HttpResponse<String> searched = callsB.post("/api/storage/shared/db/t/search", "{\"keyword\":\"请求\",\"fields\":[\"text\"]}");
    HttpResponse<String> status = callsB.get("/api/storage/stores/shared");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
    JsonNode rows = NodeCalls.json(searched).path("rows");
    assertThat(rows).extracting(r -> r.path("_id").asText()).containsExactly("a");
    assertThat(NodeCalls.json(status).path("node").asText()).isEqualTo(nodeA.httpUrl());
    assertThat(NodeCalls.json(status).path("directory").asText()).startsWith(homeA.toString());
    assertThat(Files.exists(homeB.resolve("storage"))).isFalse();
  }

  @Test
  void openStore_heldByTheOtherNode_conflictNamingTheHolder() throws Exception {
    HttpResponse<String> r = callsB.post("/api/storage/stores", "{\"cluster\":\"shared\"}");

    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(NodeCalls.json(r).at("/error/message").asText()).contains("already running", nodeA.httpUrl());
  }

  @Test
  void badRequest_throughTheOtherNode_holdersErrorComesBackAsItIs() throws Exception {
    HttpResponse<String> r = callsB.post("/api/storage/shared/db/missing/search", "{\"keyword\":\"x\",\"fields\":[\"text\"]}");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(NodeCalls.json(r).at("/error/message").asText()).contains("db.missing", "'shared'");
  }
}
