package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starting, stopping and inspecting stores on a cluster ({@code /api/storage/stores}), what
 * {@code llm storage start|stop|status} do. A store runs on the node that started it; any node answers.
 */
public final class StorageStores {
  private final Transport transport;

  private StorageStores(Transport transport) {
    this.transport = transport;
  }

  /** The stores of the cluster {@code llm} talks to (its node, key and timeout). */
  public static StorageStores of(ByzerLLM llm) {
    return new StorageStores(llm.transport());
  }

  static StorageStores of(Transport transport) {
    return new StorageStores(transport);
  }

  /**
   * Opens the store {@code cluster} on the node, its data in {@code baseDir/storage/<cluster>} (null:
   * the node's {@code $LLM_HOME}); a store already running throws {@link LlmClientException} with
   * {@code CONFLICT}.
   */
  public StoreInfo start(String cluster, String baseDir) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("cluster", cluster);
    body.put("base_dir", baseDir);
    return Json.read(transport.call(transport.postJson("/api/storage/stores", body)), StoreInfo.class);
  }

  /**
   * Opens the store {@code cluster} on the node with its data in the Elasticsearch cluster at {@code esUrl}: the same
   * tables, routes and {@link ByzerStorage} calls as the embedded store. {@code esApiKey} may be null (a cluster
   * without security); it travels to the node only, which never writes it to disk or a log.
   */
  public StoreInfo startOnElasticsearch(String cluster, String esUrl, String esApiKey) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("cluster", cluster);
    body.put("backend", "elasticsearch");
    body.put("es_url", esUrl);
    if (esApiKey != null) {
      body.put("es_api_key", esApiKey);
    }
    return Json.read(transport.call(transport.postJson("/api/storage/stores", body)), StoreInfo.class);
  }

  /** The store's status; one not running throws {@link LlmClientException} with {@code NOT_FOUND}. */
  public StoreInfo status(String cluster) {
    return Json.read(transport.call(transport.get(path(cluster))), StoreInfo.class);
  }

  /** Every store of the cluster (those held by other nodes with their node only). */
  public List<StoreInfo> list() {
    JsonNode answer = Json.tree(transport.call(transport.get("/api/storage/stores")));
    List<StoreInfo> out = new ArrayList<>();
    for (JsonNode s : answer.path("stores")) {
      out.add(Json.convert(s, StoreInfo.class));
    }
    return List.copyOf(out);
  }

  /** Commits and closes the store; a restarted node no longer opens it. Answers whether storage had deployed {@code emb}. */
  public boolean stop(String cluster) {
    return Json.tree(transport.call(transport.delete(path(cluster)))).path("emb_owned").asBoolean(false);
  }

  /** Records whether {@code llm storage} deployed the {@code emb} model of this store. */
  public StoreInfo setEmbOwned(String cluster, boolean owned) {
    return Json.read(transport.call(transport.postJson(path(cluster) + "/emb", Map.of("owned", owned))), StoreInfo.class);
  }

  private static String path(String cluster) {
    return "/api/storage/stores/" + StorageCalls.segment(cluster);
  }
}
