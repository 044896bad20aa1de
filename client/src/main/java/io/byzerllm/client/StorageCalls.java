package io.byzerllm.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The storage API of a node ({@code /api/storage/...}) for one table: paths, bodies sent, answers read.
 * Whole numbers in rows come back as {@code Long}, so a LONG field reads as it was written.
 */
final class StorageCalls {
  private static final ObjectReader ROWS = Json.MAPPER.readerFor(new TypeReference<List<Map<String, Object>>>() {})
      .with(DeserializationFeature.USE_LONG_FOR_INTS);

  private final Transport transport;
  private final String tablePath;

  StorageCalls(Transport transport, String cluster, String database, String table) {
    this.transport = transport;
    this.tablePath = "/api/storage/" + segment(cluster) + "/" + segment(database) + "/" + segment(table);
  }

  String tablePath() {
    return tablePath;
  }

  /** POSTs {@code body} to the table's path plus {@code suffix} ("" for the table itself). */
  JsonNode post(String suffix, Object body) {
    return Json.tree(transport.call(transport.postJson(tablePath + suffix, body)));
  }

  JsonNode get() {
    return Json.tree(transport.call(transport.get(tablePath)));
  }

  JsonNode delete() {
    return Json.tree(transport.call(transport.delete(tablePath)));
  }

  List<Map<String, Object>> rows(JsonNode answer) {
    try {
      return ROWS.readValue(answer.path("rows"));
    } catch (java.io.IOException e) {
      throw new LlmClientException(502, "the node's rows could not be read: " + e.getMessage(), null, e);
    }
  }

  List<float[]> embed(String model, List<String> texts) {
    return new EmbeddingCalls(new HttpGateway(transport)).embed(model, texts, null);
  }

  /** A path segment: a cluster, database or table name, percent-encoded. */
  static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
