package io.byzerllm.storage;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.indices.IndexState;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.TransportException;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.internal.EsDocuments;
import io.byzerllm.storage.internal.EsQueries;
import io.byzerllm.storage.internal.ReciprocalRankFusion;
import io.byzerllm.storage.internal.StoredRows;
import io.byzerllm.storage.internal.TableSearch;
import io.byzerllm.storage.internal.TextAnalysis;
import io.byzerllm.storage.internal.Values;
import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.apache.lucene.analysis.Analyzer;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.apache.http.util.EntityUtils;

/**
 * A {@link Store} on an Elasticsearch 8 cluster, through Elastic's Java client: one index per table, named
 * {@code byzer.<cluster>.<database>.<table>} in lower case, its schema kept in the index mapping's {@code _meta} (so
 * every node that opens the store sees the same tables). See {@link EsDocuments} for the mapping.
 *
 * <p>Same behaviour as {@link LuceneStore}: the same validation and messages (a batch is checked whole before
 * anything is sent); scores {@code (1+cos)/2} for vectors, BM25 over the same terms for keywords (equal to the embedded
 * store's on one shard), the same RRF (k = 60, 0-based ranks, fused here from a kNN and a BM25 query); filters inside
 * kNN; sorts with missing values last; writes searchable within about a second; {@link #commit} = refresh + flush.
 *
 * <p>Where it differs (tested in ElasticsearchStoreTest): index names are lower case, so tables {@code db.Docs}
 * and {@code db.docs} cannot both exist (CONFLICT); a bulk write the engine rejects part of (back-pressure) may have
 * written the other rows (the error says so; writing the batch again is safe, it is an upsert); during
 * {@link #truncate} (delete and recreate the index) a concurrent operation may see NOT_FOUND; {@link StoreStatus}
 * has no directory and {@code lastCommit} is the last commit made through this instance; with more than one shard
 * BM25 uses each shard's statistics.
 */
public final class ElasticsearchStore implements Store {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Writes become searchable within this: the embedded store promises "about a second". */
  static final String REFRESH_INTERVAL = "500ms";
  /** Same candidate floor as the embedded store's HNSW search (TableSearch.MIN_KNN_CANDIDATES). */
  static final int MIN_KNN_CANDIDATES = 100;
  private static final int PAGE = 1000;

  private final String cluster;
  private final ElasticsearchConfig config;
  private final RestClient rest;
  private final ElasticsearchClient es;
  private final Analyzer analyzer = TextAnalysis.analyzer();
  private final int shards;
  private final Map<TableRef, Table> tables = new ConcurrentHashMap<>();
  private volatile Instant lastCommit;
  private volatile boolean closed;

  /** One table's schema and what is derived from it; {@code dimensions} of vector fields as the mapping has them. */
  private record Table(TableRef ref, String index, TableSchema schema, EsDocuments documents, EsQueries queries,
                       Map<String, Integer> dimensions) {}

  private ElasticsearchStore(String cluster, ElasticsearchConfig config, int shards) {
    this.cluster = cluster;
    this.config = config;
    this.shards = shards;
    var headers = new ArrayList<Header>();
    if (config.apiKey() != null) {
      headers.add(new BasicHeader("Authorization", "ApiKey " + config.apiKey()));
    } else if (config.username() != null) {
      String basic = Base64.getEncoder().encodeToString((config.username() + ":" + config.password()).getBytes(StandardCharsets.UTF_8));
      headers.add(new BasicHeader("Authorization", "Basic " + basic));
    }
    int timeout = (int) config.requestTimeout().toMillis();
    this.rest = RestClient.builder(HttpHost.create(config.url()))
        .setDefaultHeaders(headers.toArray(Header[]::new))
        .setRequestConfigCallback(b -> b.setConnectTimeout(Math.min(timeout, 5000)).setSocketTimeout(timeout))
        .build();
    this.es = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(JSON)));
  }

  /**
   * Connects to the cluster at {@code config.url()} and checks that it answers: UNAVAILABLE when it does not,
   * AUTHENTICATION/PERMISSION when it refuses the credentials.
   *
   * @param shards primary shards of each new table's index (1 keeps BM25 equal to the embedded store's)
   */
  public static ElasticsearchStore connect(String cluster, ElasticsearchConfig config, int shards) {
    if (cluster == null || !cluster.matches("[A-Za-z0-9_][A-Za-z0-9_-]{0,63}")) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "store name '" + cluster
          + "' is not allowed; use 1-64 letters, digits, '_' or '-', e.g. byzerai_store");
    }
    if (shards < 1) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "shards must be at least 1, got " + shards);
    }
    var store = new ElasticsearchStore(cluster, config, shards);
    try {
      store.es.cluster().health(h -> h.timeout(t -> t.time("5s")));
    } catch (IOException | RuntimeException e) {
      LlmException failure = store.failure("connect to", null, e);
      store.closed = true; // nothing to commit: do not wait for the cluster again
      try {
        store.rest.close();
      } catch (IOException ignored) {
        // the connection pool is gone either way
      }
      throw failure;
    }
    return store;
  }

  public static ElasticsearchStore connect(String cluster, ElasticsearchConfig config) {
    return connect(cluster, config, 1);
  }

  public String cluster() {
    return cluster;
  }

  public ElasticsearchConfig config() {
    return config;
  }

  String indexName(TableRef t) {
    return prefix() + t.database().toLowerCase(Locale.ROOT) + "." + t.table().toLowerCase(Locale.ROOT);
  }

  private String prefix() {
    return "byzer." + cluster.toLowerCase(Locale.ROOT) + ".";
  }

  @Override
  public synchronized boolean createTable(TableRef t, TableSchema schema) {
    ensureOpen();
    Optional<Table> existing = load(t);
    if (existing.isPresent()) {
      if (Set.copyOf(existing.get().schema().fields()).equals(Set.copyOf(schema.fields()))) {
        return false;
      }
      throw new LlmException(ErrorKind.CONFLICT, "table " + t + " exists with a different schema: "
          + LuceneStore.describe(existing.get().schema()) + "; requested " + LuceneStore.describe(schema) + "; drop the table first or use its schema");
    }
    createIndex(t, schema);
    return true;
  }

  private void createIndex(TableRef t, TableSchema schema) {
    String index = indexName(t);
    ObjectNode body = JSON.createObjectNode();
    body.putObject("settings").put("number_of_shards", shards).put("refresh_interval", REFRESH_INTERVAL);
    body.set("mappings", EsDocuments.mapping(schema, t.toString()));
    try {
      es.indices().create(c -> c.index(index).withJson(new StringReader(body.toString())));
    } catch (ElasticsearchException e) {
      if ("resource_already_exists_exception".equals(e.error().type())) {
        Optional<Table> other = load(t);
        throw new LlmException(ErrorKind.CONFLICT, "table " + t + ": index " + index + " already exists"
            + other.map(o -> " with schema " + LuceneStore.describe(o.schema())).orElse("")
            + " (Elasticsearch index names are lower case, so table names differing only in case collide); drop it or choose another name");
      }
      throw failure("create", t, e);
    } catch (IOException | RuntimeException e) {
      throw failure("create", t, e);
    }
    tables.remove(t);
  }

  /** The table as the cluster has it now (another node may have created or dropped it). */
  private Optional<Table> load(TableRef t) {
    String index = indexName(t);
    try {
      Map<String, IndexState> got = es.indices().get(g -> g.index(index).ignoreUnavailable(true)).result();
      IndexState state = got.get(index);
      if (state == null || state.mappings() == null || state.mappings().meta() == null
          || !state.mappings().meta().containsKey(EsDocuments.META_SCHEMA)) {
        if (state != null) {
          throw new LlmException(ErrorKind.CONFLICT, "index " + index + " exists but was not created by a byzer store"
              + " (no _meta." + EsDocuments.META_SCHEMA + "); delete it or choose another table name");
        }
        tables.remove(t);
        return Optional.empty();
      }
      Map<String, JsonData> meta = state.mappings().meta();
      String table = meta.get(EsDocuments.META_TABLE).to(String.class);
      if (!table.equals(t.toString())) {
        throw new LlmException(ErrorKind.CONFLICT, "index " + index + " holds table " + table + ", not " + t
            + " (Elasticsearch index names are lower case); use the name " + table);
      }
      ObjectNode metaNode = JSON.createObjectNode();
      metaNode.set(EsDocuments.META_SCHEMA, JSON.readTree(meta.get(EsDocuments.META_SCHEMA).toJson().toString()));
      TableSchema schema = EsDocuments.schemaOf(metaNode);
      var dims = new ConcurrentHashMap<String, Integer>();
      state.mappings().properties().forEach((name, p) -> {
        if (p.isDenseVector() && p.denseVector().dims() != null) {
          dims.put(name, p.denseVector().dims());
        }
      });
      var docs = new EsDocuments(schema, analyzer);
      Table table1 = new Table(t, index, schema, docs, new EsQueries(schema, analyzer, docs), dims);
      tables.put(t, table1);
      return Optional.of(table1);
    } catch (LlmException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw failure("read", t, e);
    }
  }

  private Table table(TableRef t) {
    ensureOpen();
    Table known = tables.get(t);
    if (known != null) {
      return known;
    }
    return load(t).orElseThrow(() -> notFound(t));
  }

  private LlmException notFound(TableRef t) {
    return new LlmException(ErrorKind.NOT_FOUND, "table " + t + " does not exist in store '" + cluster
        + "'; create it with a schema first");
  }

  /** From this store's cache when it knows the table (a store is held by one node, so its cache is the truth). */
  @Override
  public Optional<TableSchema> schema(TableRef t) {
    ensureOpen();
    Table known = tables.get(t);
    return known != null ? Optional.of(known.schema()) : load(t).map(Table::schema);
  }

  @Override
  public int write(TableRef t, List<Map<String, Object>> rows) {
    Table table = table(t);
    var batchDims = new HashMap<>(table.dimensions());
    List<EsDocuments.Doc> docs = table.documents().toDocuments(rows, batchDims);
    if (docs.isEmpty()) {
      return 0;
    }
    var ops = new ArrayList<BulkOperation>(docs.size());
    for (EsDocuments.Doc d : docs) {
      ops.add(BulkOperation.of(b -> b.index(i -> i.index(table.index()).id(d.id()).document(d.source()))));
    }
    BulkResponse r = call("write", t, () -> es.bulk(b -> b.operations(ops)));
    batchDims.forEach(table.dimensions()::putIfAbsent);
    if (r.errors()) {
      throw bulkFailure(t, r, "write");
    }
    return docs.size();
  }

  private LlmException bulkFailure(TableRef t, BulkResponse r, String op) {
    int failed = 0;
    BulkResponseItem first = null;
    int firstIndex = -1;
    for (int i = 0; i < r.items().size(); i++) {
      BulkResponseItem item = r.items().get(i);
      if (item.error() != null) {
        failed++;
        if (first == null) {
          first = item;
          firstIndex = i;
        }
      }
    }
    ErrorKind kind = first.status() == 429 ? ErrorKind.OVERLOADED : first.status() >= 500 ? ErrorKind.UPSTREAM : ErrorKind.INVALID_REQUEST;
    return new LlmException(kind, op + " on table " + t + ": Elasticsearch rejected " + failed + " of " + r.items().size()
        + " rows (the others were written; writing the batch again is safe); row " + firstIndex + ": "
        + first.error().type() + ": " + first.error().reason());
  }

  @Override
  public void commit(TableRef t) {
    Table table = table(t);
    commitIndex(t, table.index());
  }

  private void commitIndex(TableRef t, String index) {
    call("commit", t, () -> {
      es.indices().refresh(r -> r.index(index).ignoreUnavailable(true));
      es.indices().flush(f -> f.index(index).ignoreUnavailable(true).waitIfOngoing(true));
      return null;
    });
    lastCommit = Instant.now();
  }

  @Override
  public void commitAll() {
    ensureOpen();
    commitIndex(null, prefix() + "*");
  }

  @Override
  public List<Map<String, Object>> search(TableRef t, SearchQuery q) {
    Table table = table(t);
    EsQueries queries = table.queries();
    TableSearch paths = queries.paths();
    Query filter = queries.filter(q.filter());
    List<String> returned = new StoredRows(table.schema()).returned(q.select());
    Set<String> sortFields = new LinkedHashSet<>();
    q.sorts().forEach(s -> sortFields.add(paths.sortable(s.field()).name()));
    List<String> loaded = StoredRows.plus(returned, sortFields);
    List<String> sourceFields = loaded.stream().map(EsDocuments::indexField).toList();

    if (!q.hasKeyword() && !q.hasVector()) {
      Query all = filter == null ? Query.of(x -> x.matchAll(m -> m)) : Query.of(x -> x.constantScore(c -> c.filter(filter)));
      List<Hit<ObjectNode>> hits = hits(t, SearchRequest.of(s -> s.index(table.index()).size(q.limit())
          .query(all).sort(queries.sorts(q.sorts())).source(src -> src.filter(f -> f.includes(sourceFields)))));
      var out = new ArrayList<Map<String, Object>>(hits.size());
      hits.forEach(h -> out.add(table.documents().toRow(h.source(), loaded)));
      return TableSearch.project(out, returned);
    }
    List<Map<String, Object>> out;
    if (q.hasKeyword() && !q.hasVector()) {
      out = scored(table, keywordHits(t, table, q, filter, sourceFields), loaded,
          q.keyword().equals("*") ? 1 : LEGACY_BM25_FACTOR);
    } else if (!q.hasKeyword()) {
      out = scored(table, knnHits(t, table, q, filter, sourceFields), loaded, 1);
    } else {
      out = hybrid(t, table, q, filter, sourceFields, loaded);
    }
    if (!q.sorts().isEmpty()) {
      out.sort(TableSearch.rowOrder(q.sorts()));
    }
    return TableSearch.project(out, returned);
  }

  /**
   * Elasticsearch 8 scores BM25 with its LegacyBM25Similarity, which keeps the factor (k1 + 1) = 2.2 that Lucene 8
   * dropped from the formula; dividing by it gives the embedded store's numbers (same ranking either way).
   */
  static final double LEGACY_BM25_FACTOR = 1.2 + 1;

  private static List<Map<String, Object>> scored(Table table, List<Hit<ObjectNode>> hits, List<String> loaded,
                                                  double scale) {
    var out = new ArrayList<Map<String, Object>>(hits.size());
    for (Hit<ObjectNode> h : hits) {
      Map<String, Object> row = table.documents().toRow(h.source(), loaded);
      row.put(SCORE, h.score() == null ? 0.0 : h.score() / scale);
      out.add(row);
    }
    return out;
  }

  private List<Hit<ObjectNode>> keywordHits(TableRef t, Table table, SearchQuery q, Query filter, List<String> fields) {
    Query keyword = table.queries().keyword(q, filter);
    return hits(t, SearchRequest.of(s -> s.index(table.index()).size(q.limit()).query(keyword)
        .source(src -> src.filter(f -> f.includes(fields)))));
  }

  private List<Hit<ObjectNode>> knnHits(TableRef t, Table table, SearchQuery q, Query filter, List<String> fields) {
    String name = q.vectorField();
    FieldSpec f = table.schema().field(name).orElseThrow(() -> new LlmException(ErrorKind.INVALID_REQUEST,
        "vector_field '" + name + "' is not in the table's schema"));
    if (!f.isVector()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "vector_field '" + name + "' is not a vector (float array) field");
    }
    float[] vector = Values.unitVector(q.vector(), "query vector for field '" + name + "'");
    Integer dim = table.dimensions().get(name);
    if (dim == null) {
      dim = load(t).orElseThrow(() -> notFound(t)).dimensions().get(name);
      if (dim == null) {
        return List.of(); // nothing written to this field yet
      }
    }
    if (dim != vector.length) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "query vector for field '" + name + "' has " + vector.length
          + " dimensions, the field has " + dim + "; embed the query with the model used for the rows");
    }
    var list = new ArrayList<Float>(vector.length);
    for (float x : vector) {
      list.add(x);
    }
    int k = Math.max(q.limit(), MIN_KNN_CANDIDATES);
    return hits(t, SearchRequest.of(s -> s.index(table.index()).size(q.limit())
        .knn(kn -> {
          kn.field(name).queryVector(list).k(k).numCandidates(k);
          if (filter != null) {
            kn.filter(filter);
          }
          return kn;
        })
        .source(src -> src.filter(x -> x.includes(fields)))));
  }

  private List<Map<String, Object>> hybrid(TableRef t, Table table, SearchQuery q, Query filter, List<String> fields,
                                           List<String> loaded) {
    Map<String, ObjectNode> sources = new HashMap<>();
    List<String> byText = new ArrayList<>();
    for (Hit<ObjectNode> h : keywordHits(t, table, q, filter, fields)) {
      byText.add(h.id());
      sources.put(h.id(), h.source());
    }
    List<String> byVector = new ArrayList<>();
    for (Hit<ObjectNode> h : knnHits(t, table, q, filter, fields)) {
      byVector.add(h.id());
      sources.put(h.id(), h.source());
    }
    var fused = ReciprocalRankFusion.fuse(List.of(byText, byVector));
    var out = new ArrayList<Map<String, Object>>();
    for (var f : fused.subList(0, Math.min(q.limit(), fused.size()))) {
      Map<String, Object> row = table.documents().toRow(sources.get(f.key()), loaded);
      row.put(SCORE, f.score());
      out.add(row);
    }
    return out;
  }

  private List<Hit<ObjectNode>> hits(TableRef t, SearchRequest request) {
    return call("search", t, () -> es.search(request, ObjectNode.class)).hits().hits();
  }

  /** Pages ordered by the typed id ({@code __id}): text order for string ids, numeric order for long ids. */
  @Override
  public RowPage export(TableRef t, String after, int limit) {
    if (limit < 1) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "limit must be at least 1, got " + limit);
    }
    Table table = table(t);
    boolean longIds = table.schema().id().type() == DataType.LONG;
    Query query = after == null ? Query.of(x -> x.matchAll(m -> m)) : Query.of(x -> x.range(r -> r.untyped(u -> u
        .field(EsDocuments.ID).gt(longIds ? JsonData.of(Long.parseLong(after)) : JsonData.of(after)))));
    List<String> fields = table.schema().fields().stream().map(FieldSpec::name).toList();
    List<Hit<ObjectNode>> hits = hits(t, SearchRequest.of(s -> s.index(table.index()).size(limit).query(query)
        .sort(o -> o.field(f -> f.field(EsDocuments.ID).order(co.elastic.clients.elasticsearch._types.SortOrder.Asc)))));
    var rows = new ArrayList<Map<String, Object>>(hits.size());
    hits.forEach(h -> rows.add(table.documents().toRow(h.source(), fields)));
    return new RowPage(rows, hits.size() < limit ? null : hits.get(hits.size() - 1).id());
  }

  @Override
  public long deleteByFilter(TableRef t, Filter filter) {
    if (filter == null) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "delete needs a filter; use truncate to delete every row");
    }
    Table table = table(t);
    Query query = Query.of(x -> x.constantScore(c -> c.filter(table.queries().filter(filter))));
    // The server zip (and clusters without the reindex module) has no _delete_by_query: page through the matches.
    call("delete", t, () -> es.indices().refresh(r -> r.index(table.index())));
    long deleted = 0;
    while (true) {
      List<Hit<ObjectNode>> page = hits(t, SearchRequest.of(s -> s.index(table.index()).size(PAGE).query(query)
          .source(src -> src.fetch(false))));
      if (page.isEmpty()) {
        break;
      }
      deleted += deleteIds(t, table, page.stream().map(Hit::id).toList());
      call("delete", t, () -> es.indices().refresh(r -> r.index(table.index())));
    }
    commitIndex(t, table.index());
    return deleted;
  }

  @Override
  public long deleteByIds(TableRef t, List<Object> ids) {
    Table table = table(t);
    if (ids == null || ids.isEmpty()) {
      return 0;
    }
    var keys = new ArrayList<String>(ids.size());
    var checks = new io.byzerllm.storage.internal.RowDocuments(table.schema());
    for (int i = 0; i < ids.size(); i++) {
      keys.add(checks.keyText(ids.get(i), "ids[" + i + "]"));
    }
    long deleted = deleteIds(t, table, keys);
    commitIndex(t, table.index());
    return deleted;
  }

  private long deleteIds(TableRef t, Table table, List<String> ids) {
    var ops = new ArrayList<BulkOperation>(ids.size());
    for (String id : new LinkedHashSet<>(ids)) {
      ops.add(BulkOperation.of(b -> b.delete(d -> d.index(table.index()).id(id))));
    }
    BulkResponse r = call("delete", t, () -> es.bulk(b -> b.operations(ops)));
    long deleted = 0;
    for (BulkResponseItem item : r.items()) {
      if (item.error() != null) {
        throw bulkFailure(t, r, "delete");
      }
      if ("deleted".equals(item.result())) {
        deleted++;
      }
    }
    return deleted;
  }

  /** Deletes and recreates the index: faster than deleting every row, and vector dimensions start over as in Lucene. */
  @Override
  public synchronized void truncate(TableRef t) {
    Table table = table(t);
    call("truncate", t, () -> es.indices().delete(d -> d.index(table.index())));
    tables.remove(t);
    createIndex(t, table.schema());
    lastCommit = Instant.now();
  }

  @Override
  public synchronized boolean drop(TableRef t) {
    ensureOpen();
    if (load(t).isEmpty()) {
      return false;
    }
    call("drop", t, () -> es.indices().delete(d -> d.index(indexName(t)).ignoreUnavailable(true)));
    tables.remove(t);
    return true;
  }

  @Override
  public StoreStatus status() {
    ensureOpen();
    String pattern = prefix() + "*";
    var statuses = new ArrayList<TableStatus>();
    long docs = 0;
    long bytes = 0;
    var stats = call("status", null, () -> es.indices().stats(s -> s.index(pattern))).indices();
    Map<String, IndexState> indices = call("status", null, () -> es.indices().get(g -> g.index(pattern))).result();
    for (Map.Entry<String, IndexState> e : indices.entrySet()) {
      var meta = e.getValue().mappings() == null ? null : e.getValue().mappings().meta();
      if (meta == null || !meta.containsKey(EsDocuments.META_TABLE)) {
        continue;
      }
      String[] name = meta.get(EsDocuments.META_TABLE).to(String.class).split("\\.", 2);
      var s = stats == null ? null : stats.get(e.getKey());
      long d = s == null || s.primaries() == null || s.primaries().docs() == null ? 0 : s.primaries().docs().count();
      long b = s == null || s.total() == null || s.total().store() == null ? 0 : s.total().store().sizeInBytes();
      statuses.add(new TableStatus(new TableRef(name[0], name[1]), d, b));
      docs += d;
      bytes += b;
    }
    statuses.sort((a, b) -> a.table().toString().compareTo(b.table().toString()));
    return new StoreStatus(cluster, "elasticsearch", config.url(), statuses, docs, bytes, lastCommit);
  }

  /** Commits every table (best effort: an unreachable cluster keeps what it acknowledged) and closes the connection. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      commitAll();
    } catch (LlmException e) {
      // the cluster is gone or refusing; what it acknowledged is in its translog
    }
    closed = true;
    try {
      rest.close();
    } catch (IOException ignored) {
      // the connection pool is gone either way
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new LlmException(ErrorKind.UNAVAILABLE, "store '" + cluster + "' is closed");
    }
  }

  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T call(String op, TableRef t, Call<T> call) {
    ensureOpen();
    try {
      return call.run();
    } catch (IOException | RuntimeException e) {
      throw failure(op, t, e);
    }
  }

  /**
   * The engine's error as the project's: its status decides the kind (429 back-pressure is OVERLOADED, an unreachable
   * cluster UNAVAILABLE, a slow one UPSTREAM_TIMEOUT) and its message is kept. Never includes the credentials.
   */
  LlmException failure(String op, TableRef t, Exception e) {
    if (e instanceof LlmException l) {
      return l;
    }
    String what = op + (t == null ? "" : " table " + t) + " on Elasticsearch at " + config.url();
    if (e instanceof ElasticsearchException ee) {
      String reason = ee.error() == null ? ee.getMessage() : ee.error().type() + ": " + ee.error().reason();
      if (ee.status() == 404 && t != null && ee.error() != null && "index_not_found_exception".equals(ee.error().type())) {
        tables.remove(t);
        return notFound(t);
      }
      return new LlmException(kindOf(ee.status()), "cannot " + what + ": " + reason, e);
    }
    if (e instanceof TransportException te && te.statusCode() > 0) {
      return new LlmException(kindOf(te.statusCode()), "cannot " + what + ": " + te.getMessage(), e);
    }
    Throwable cause = e;
    while (cause != null) {
      if (cause instanceof ResponseException re) {
        // an error answer the client did not parse (e.g. a 429 from a circuit breaker): the status and body are the engine's
        return new LlmException(kindOf(re.getResponse().getStatusLine().getStatusCode()), "cannot " + what + ": "
            + re.getResponse().getStatusLine() + " " + body(re), e);
      }
      if (cause instanceof SocketTimeoutException) {
        return new LlmException(ErrorKind.UPSTREAM_TIMEOUT, "cannot " + what + ": no answer within "
            + config.requestTimeout().toSeconds() + " s", e);
      }
      if (cause instanceof ConnectException || cause instanceof java.net.UnknownHostException
          || cause instanceof java.net.NoRouteToHostException) {
        return new LlmException(ErrorKind.UNAVAILABLE, "cannot " + what + ": the cluster is unreachable ("
            + cause.getMessage() + "); check es_url and that Elasticsearch is running", e);
      }
      cause = cause.getCause();
    }
    if (e instanceof IOException) {
      return new LlmException(ErrorKind.UNAVAILABLE, "cannot " + what + ": " + e.getMessage(), e);
    }
    return new LlmException(ErrorKind.INTERNAL, "cannot " + what + ": " + e.getMessage(), e);
  }

  private static String body(ResponseException re) {
    try {
      String text = re.getResponse().getEntity() == null ? "" : EntityUtils.toString(re.getResponse().getEntity());
      return text.length() > 1000 ? text.substring(0, 1000) + "..." : text;
    } catch (IOException | RuntimeException ignored) {
      return "";
    }
  }

  private static ErrorKind kindOf(int status) {
    return switch (status) {
      case 400 -> ErrorKind.INVALID_REQUEST;
      case 401 -> ErrorKind.AUTHENTICATION;
      case 403 -> ErrorKind.PERMISSION;
      case 404 -> ErrorKind.NOT_FOUND;
      case 409 -> ErrorKind.CONFLICT;
      case 413 -> ErrorKind.TOO_LARGE;
      case 429 -> ErrorKind.OVERLOADED;
      case 503 -> ErrorKind.UNAVAILABLE;
      case 504 -> ErrorKind.UPSTREAM_TIMEOUT;
      default -> ErrorKind.UPSTREAM;
    };
  }
}
