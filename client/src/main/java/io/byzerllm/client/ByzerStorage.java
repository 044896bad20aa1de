package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One table of a Byzer Storage store, byzerllm's {@code ByzerStorage} in Java form: create its schema,
 * write rows (vector fields given as text are embedded by the node through its {@code emb} model),
 * commit, search by keyword, vector or both, filter, sort, project, delete. The store runs on a node
 * ({@code llm storage start}); any node of the cluster answers and forwards to the node that holds it.
 *
 * <pre>{@code
 * ByzerStorage storage = ByzerStorage.connect("http://127.0.0.1:8000", "byzerai_store", "db", "docs");
 * storage.schemaBuilder().addField("_id", DataType.STRING).addField("content", DataType.STRING, FieldOption.ANALYZE)
 *     .addArrayField("vector", DataType.FLOAT).execute();
 * storage.writeBuilder().addItems(rows, List.of("vector"), List.of("content")).execute();
 * storage.commit();
 * List<Map<String, Object>> hits = storage.queryBuilder().setVectorQuery("问题", "vector")
 *     .setSearchQuery("问题", "content").setLimit(5).execute();
 * }</pre>
 *
 * <p><b>When is what durable:</b> written rows are searchable within about a second and durable once
 * {@link #commit()} returns; deletes, truncate and drop commit before they return. Immutable and
 * thread-safe; every {@code with*} returns a copy. Failures throw {@link LlmClientException} with the
 * node's message (it names the row and field of bad input); arguments that cannot make a request throw
 * {@link IllegalArgumentException}.
 */
public final class ByzerStorage {
  /** byzerllm's default store name. */
  public static final String DEFAULT_CLUSTER = "byzerai_store";
  /** The model that embeds text given for vector fields, unless {@link #withEmbModel} says otherwise. */
  public static final String DEFAULT_EMB_MODEL = "emb";

  private final Transport transport;
  private final String cluster;
  private final String database;
  private final String table;
  private final String embModel;

  private ByzerStorage(Transport transport, String cluster, String database, String table, String embModel) {
    this.transport = transport;
    this.cluster = cluster == null || cluster.isBlank() ? DEFAULT_CLUSTER : cluster;
    this.database = requireName(database, "database");
    this.table = requireName(table, "table");
    this.embModel = embModel;
  }

  /**
   * The table {@code database.table} of the store {@code cluster} (null: {@code byzerai_store}) served
   * by the node at {@code nodeUrl}; the API key comes from {@code LLM_API_KEY} when set. Nothing is
   * sent until the first call.
   */
  public static ByzerStorage connect(String nodeUrl, String cluster, String database, String table) {
    return connect(ByzerLLM.connect(nodeUrl), cluster, database, table);
  }

  /** {@link #connect(String, String, String, String)} sending {@code Authorization: Bearer apiKey}. */
  public static ByzerStorage connect(String nodeUrl, String cluster, String database, String table, String apiKey) {
    return connect(ByzerLLM.connect(nodeUrl).withApiKey(apiKey), cluster, database, table);
  }

  /** The table through an existing client: its node, API key, timeout and connection pool. */
  public static ByzerStorage connect(ByzerLLM llm, String cluster, String database, String table) {
    return new ByzerStorage(llm.transport(), cluster, database, table, DEFAULT_EMB_MODEL);
  }

  /** A copy sending {@code Authorization: Bearer key} (null or blank: none). */
  public ByzerStorage withApiKey(String key) {
    return new ByzerStorage(transport.withApiKey(key), cluster, database, table, embModel);
  }

  /** A copy whose calls each wait at most {@code timeout}. */
  public ByzerStorage withTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive (got " + timeout + ")");
    }
    return new ByzerStorage(transport.withTimeout(timeout), cluster, database, table, embModel);
  }

  /** A copy whose text for vector fields (writes, vector queries, {@link #emb}) is embedded by {@code model}. */
  public ByzerStorage withEmbModel(String model) {
    return new ByzerStorage(transport, cluster, database, table, requireName(model, "embedding model"));
  }

  public String cluster() {
    return cluster;
  }

  public String database() {
    return database;
  }

  public String table() {
    return table;
  }

  /** The table's schema, to be created with {@link SchemaBuilder#execute()}. */
  public SchemaBuilder schemaBuilder() {
    return new SchemaBuilder(calls());
  }

  /** Rows to upsert by {@code _id}. */
  public WriteBuilder writeBuilder() {
    return new WriteBuilder(calls(), embModel);
  }

  /** A search, a filter, or a delete by filter. */
  public QueryBuilder queryBuilder() {
    return new QueryBuilder(calls(), embModel);
  }

  /** Makes every row written so far durable (it survives a crash of the node). */
  public void commit() {
    calls().post("/commit", Map.of());
  }

  /** Deletes the rows with these ids (strings or whole numbers, as the {@code _id} field is) and commits. */
  public long deleteByIds(List<?> ids) {
    if (ids == null || ids.isEmpty()) {
      throw new IllegalArgumentException("ids is empty; pass the _id values of the rows to delete");
    }
    return calls().post("/delete", Map.of("ids", List.copyOf(ids))).path("deleted").asLong();
  }

  /** Deletes every row, keeps the schema, and commits. */
  public void truncateTable() {
    calls().post("/truncate", Map.of());
  }

  /** Deletes the table, its schema and its files; true if it existed. The same table can be created again. */
  public boolean drop() {
    return calls().delete().path("dropped").asBoolean(false);
  }

  /** The table's fields as the node describes them ({@code name, type, array, options}): what {@link #createTable} takes. */
  public List<Map<String, Object>> fields() {
    return Json.MAPPER.convertValue(calls().get().path("fields"), new com.fasterxml.jackson.core.type.TypeReference<>() {});
  }

  /** Creates the table with fields as {@link #fields} returns them; false when it exists with the same fields. */
  public boolean createTable(List<Map<String, Object>> fields) {
    return calls().post("", Map.of("fields", fields)).path("created").asBoolean();
  }

  /**
   * One page of every row, vectors included, for moving a table to another store: {@code after} is null first, then
   * the previous page's {@link RowPage#next()}, until that is null.
   */
  public RowPage exportPage(String after, int limit) {
    var body = new java.util.LinkedHashMap<String, Object>();
    body.put("after", after);
    body.put("limit", limit);
    var calls = calls();
    JsonNode answer = calls.post("/export", body);
    return new RowPage(calls.rows(answer), answer.path("next").isNull() ? null : answer.path("next").asText());
  }

  /** A page of {@link #exportPage}. */
  public record RowPage(List<Map<String, Object>> rows, String next) {}

  /** The vector of {@code text} from the embedding model ({@code emb} unless {@link #withEmbModel}). */
  public float[] emb(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("text is empty; pass the text to embed");
    }
    return calls().embed(embModel, List.of(text)).get(0);
  }

  /** The store's status as the node reports it: tables, documents, bytes on disk, last commit. */
  public StoreInfo storeStatus() {
    return StorageStores.of(transport).status(cluster);
  }

  @Override
  public String toString() {
    return "ByzerStorage[url=" + transport.baseUrl() + ", cluster=" + cluster + ", table=" + database + "." + table
        + ", apiKey=" + (transport.hasApiKey() ? "***" : "none") + "]";
  }

  private StorageCalls calls() {
    return new StorageCalls(transport, cluster, database, table);
  }

  private static String requireName(String name, String what) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("the " + what + " name is empty; pass a name such as \"docs\"");
    }
    return name;
  }
}
