package io.byzerllm.server.storage;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.server.http.ApiErrors;
import io.byzerllm.server.http.Json;
import io.byzerllm.storage.ElasticsearchConfig;
import io.byzerllm.storage.SearchQuery;
import io.byzerllm.storage.TableRef;
import io.byzerllm.storage.TableSchema;
import io.byzerllm.worker.openai.Fields;
import io.byzerllm.worker.openai.InvalidFieldException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code /api/storage}: stores ({@code stores}, {@code stores/{cluster}}) and their tables
 * ({@code {cluster}/{db}/{table}} and its {@code rows}, {@code commit}, {@code search}, {@code delete},
 * {@code truncate}). A request for a store another node holds goes to that node ({@link StoreForwarding}).
 * Store calls run on the storage executor; text for vector fields is embedded through {@link VectorTexts}.
 */
public final class StorageRoutes {
  private static final String DEFAULT_EMB_MODEL = "emb";

  private final NodeStores stores;
  private final VectorTexts texts;
  private final StoreForwarding forwarding;
  private final Supplier<String> selfUrl;

  public StorageRoutes(NodeStores stores, io.byzerllm.server.http.ModelGateway gateway, StoreForwarding forwarding,
                       Supplier<String> selfUrl) {
    this.stores = stores;
    this.texts = new VectorTexts(gateway);
    this.forwarding = forwarding;
    this.selfUrl = selfUrl;
  }

  public Route route() {
    return pathPrefix("storage", () -> concat(
        pathPrefix("stores", () -> concat(
            pathEnd(() -> concat(post(() -> withBody(this::open)), get(() -> completeWithFuture(list())))),
            pathPrefix(segment(), this::store))),
        pathPrefix(segment().slash(segment()), (cluster, database) ->
            pathPrefix(segment(), table -> table(cluster, database, table)))));
  }

  private Route store(String cluster) {
    return forwarding.toHolder(cluster, () -> concat(
        pathEnd(() -> concat(
            get(() -> completeWithFuture(status(cluster))),
            delete(() -> completeWithFuture(stop(cluster))))),
        path("emb", () -> post(() -> withBody(body -> ownsEmb(cluster, body))))));
  }

  private Route table(String cluster, String database, String table) {
    return forwarding.toHolder(cluster, () -> {
      TableRef t = new TableRef(database, table);
      return concat(
          pathEnd(() -> concat(
              post(() -> withBody(body -> create(cluster, t, body))),
              get(() -> completeWithFuture(schema(cluster, t))),
              delete(() -> completeWithFuture(answer(stores.call(cluster, h -> h.store().drop(t)), "dropped"))))),
          path("rows", () -> post(() -> withBody(body -> write(cluster, t, body)))),
          path("commit", () -> post(() -> completeWithFuture(answer(stores.call(cluster, h -> {
            h.store().commit(t);
            return true;
          }), "committed")))),
          path("search", () -> post(() -> withBody(body -> search(cluster, t, body)))),
          path("export", () -> post(() -> withBody(body -> export(cluster, t, body)))),
          path("delete", () -> post(() -> withBody(body -> deleteRows(cluster, t, body)))),
          path("truncate", () -> post(() -> completeWithFuture(answer(stores.call(cluster, h -> {
            h.store().truncate(t);
            return true;
          }), "truncated")))));
    });
  }

  // ---- stores ----

  private CompletionStage<HttpResponse> open(ObjectNode body) {
    String cluster = Objects.requireNonNullElse(Fields.optionalString(body, "cluster"), "byzerai_store");
    NodeStores.checkName(cluster);
    String baseDir = Fields.optionalString(body, "base_dir");
    ElasticsearchConfig es = StorageJson.backend(body);
    return forwarding.heldElsewhere(cluster).thenCompose(holder -> {
      if (holder != null) {
        throw new LlmException(ErrorKind.CONFLICT, "store '" + cluster + "' is already running on the node at " + holder);
      }
      return stores.open(cluster, baseDir, es);
    }).thenCompose(h -> forwarding.announce(cluster).thenApply(done -> h))
        .thenApply(h -> Json.response(201, StorageJson.status(h.store().status(), selfUrl.get(), h.ownsEmb())));
  }

  private CompletionStage<HttpResponse> list() {
    return forwarding.holders().thenCompose(holders -> CompletableFuture.supplyAsync(() -> {
      ObjectNode root = Json.newObject();
      ArrayNode arr = root.putArray("stores");
      for (NodeStores.Held h : stores.all()) {
        arr.add(StorageJson.status(h.store().status(), selfUrl.get(), h.ownsEmb()));
      }
      holders.forEach((cluster, url) -> {
        if (stores.held(cluster).isEmpty()) {
          arr.addObject().put("cluster", cluster).put("node", url);
        }
      });
      return Json.ok(root);
    }, stores.executor())).exceptionally(ApiErrors::response);
  }

  private CompletionStage<HttpResponse> status(String cluster) {
    return stores.call(cluster, h -> Json.ok(StorageJson.status(h.store().status(), selfUrl.get(), h.ownsEmb())))
        .exceptionally(ApiErrors::response);
  }

  private CompletionStage<HttpResponse> stop(String cluster) {
    return stores.stop(cluster)
        .thenCompose(h -> forwarding.withdraw(cluster).thenApply(done -> h))
        .thenApply(h -> {
          ObjectNode root = Json.newObject();
          root.put("cluster", cluster);
          root.put("stopped", true);
          root.put("directory", h.location());
          root.put("emb_owned", h.ownsEmb());
          return Json.ok(root);
        }).exceptionally(ApiErrors::response);
  }

  private CompletionStage<HttpResponse> ownsEmb(String cluster, ObjectNode body) {
    JsonNode owned = body.get("owned");
    if (owned == null || !owned.isBoolean()) {
      throw new InvalidFieldException("owned", "'owned' must be true or false");
    }
    return stores.setOwnsEmb(cluster, owned.asBoolean())
        .thenApply(h -> Json.ok(StorageJson.status(h.store().status(), selfUrl.get(), h.ownsEmb())));
  }

  // ---- tables ----

  private CompletionStage<HttpResponse> create(String cluster, TableRef t, ObjectNode body) {
    TableSchema schema = StorageJson.schema(body);
    return stores.call(cluster, h -> h.store().createTable(t, schema)).thenApply(created -> {
      ObjectNode root = Json.newObject();
      root.put("created", created);
      return Json.response(created ? 201 : 200, root);
    });
  }

  private CompletionStage<HttpResponse> schema(String cluster, TableRef t) {
    return stores.call(cluster, h -> existingSchema(cluster, h, t))
        .thenApply(s -> {
          ObjectNode root = Json.newObject();
          root.put("database", t.database());
          root.put("table", t.table());
          root.set("fields", Json.MAPPER.valueToTree(s.fields()));
          return Json.ok(root);
        }).exceptionally(ApiErrors::response);
  }

  private CompletionStage<HttpResponse> write(String cluster, TableRef t, ObjectNode body) {
    List<Map<String, Object>> rows = StorageJson.rows(body);
    List<String> vectorFields = StorageJson.strings(body, "vector_fields");
    StorageJson.strings(body, "search_fields"); // validated; the store analyzes ANALYZE fields itself
    String model = embModel(body);
    return stores.call(cluster, h -> existingSchema(cluster, h, t))
        .thenCompose(schema -> texts.embedRows(rows, schema, vectorFields, model))
        .thenCompose(embedded -> stores.call(cluster, h -> h.store().write(t, embedded)))
        .thenApply(n -> count("written", n));
  }

  private CompletionStage<HttpResponse> search(String cluster, TableRef t, ObjectNode body) {
    JsonNode v = body.get("vector");
    CompletionStage<float[]> vector;
    if (v == null || v.isNull()) {
      vector = CompletableFuture.completedFuture(null);
    } else if (v.isTextual() && !v.asText().isBlank()) {
      vector = texts.embedQuery(v.asText(), embModel(body));
    } else if (v.isArray() && !v.isEmpty()) {
      vector = CompletableFuture.completedFuture(StorageJson.floats(v, "vector"));
    } else {
      throw new InvalidFieldException("vector", "'vector' must be a non-empty text or list of numbers (got " + v + ")");
    }
    String keyword = Fields.optionalString(body, "keyword");
    List<String> fields = StorageJson.strings(body, "fields");
    String vectorField = Fields.optionalString(body, "vector_field");
    var filter = StorageJson.filter(body.get("filter"));
    var sorts = StorageJson.sorts(body);
    List<String> select = StorageJson.strings(body, "select");
    int limit = StorageJson.limit(body, SearchQuery.DEFAULT_LIMIT);
    return vector.thenCompose(vec -> {
      SearchQuery q = new SearchQuery(keyword, fields, vec, vectorField, filter, sorts, select, limit);
      return stores.call(cluster, h -> h.store().search(t, q));
    }).thenApply(rows -> {
      ObjectNode root = Json.newObject();
      root.set("rows", Json.MAPPER.valueToTree(rows));
      return Json.ok(root);
    });
  }

  /** {@code {"after": cursor|null, "limit": n}} → {@code {"rows": [every field, vectors included], "next": cursor|null}}. */
  private CompletionStage<HttpResponse> export(String cluster, TableRef t, ObjectNode body) {
    String after = Fields.optionalString(body, "after");
    int limit = StorageJson.limit(body, 1000);
    return stores.call(cluster, h -> h.store().export(t, after, limit)).thenApply(page -> {
      ObjectNode root = Json.newObject();
      root.set("rows", Json.MAPPER.valueToTree(page.rows()));
      root.put("next", page.next());
      return Json.ok(root);
    });
  }

  private CompletionStage<HttpResponse> deleteRows(String cluster, TableRef t, ObjectNode body) {
    JsonNode ids = body.get("ids");
    if (ids != null && !ids.isNull()) {
      if (!ids.isArray() || ids.isEmpty()) {
        throw new InvalidFieldException("ids", "'ids' must be a non-empty list of _id values (got " + ids + ")");
      }
      List<Object> values = new ArrayList<>();
      ids.forEach(id -> values.add(id.isIntegralNumber() ? (Object) id.asLong() : id.asText()));
      return stores.call(cluster, h -> h.store().deleteByIds(t, values)).thenApply(n -> count("deleted", n));
    }
    var filter = StorageJson.filter(body.get("filter"));
    if (filter == null) {
      throw new InvalidFieldException("filter", "send 'filter' (rows to delete) or 'ids'; to delete every row use truncate");
    }
    return stores.call(cluster, h -> h.store().deleteByFilter(t, filter)).thenApply(n -> count("deleted", n));
  }

  // ---- helpers ----

  private static TableSchema existingSchema(String cluster, NodeStores.Held h, TableRef t) {
    return h.store().schema(t).orElseThrow(() -> new LlmException(ErrorKind.NOT_FOUND, "table " + t
        + " does not exist in store '" + cluster + "'; create it first (schemaBuilder()...execute())"));
  }

  private static String embModel(ObjectNode body) {
    String m = Fields.optionalString(body, "emb_model");
    return m == null || m.isBlank() ? DEFAULT_EMB_MODEL : m;
  }

  private static HttpResponse count(String name, long n) {
    ObjectNode root = Json.newObject();
    root.put(name, n);
    return Json.ok(root);
  }

  private static CompletionStage<HttpResponse> answer(CompletionStage<Boolean> outcome, String name) {
    return outcome.thenApply(b -> {
      ObjectNode root = Json.newObject();
      root.put(name, b);
      return Json.ok(root);
    }).exceptionally(ApiErrors::response);
  }

  /** Parses the JSON object body and runs {@code handler}; every failure, thrown or completed, is an API error. */
  private static Route withBody(Function<ObjectNode, CompletionStage<HttpResponse>> handler) {
    return entity(Unmarshaller.entityToByteString(), bytes -> {
      CompletionStage<HttpResponse> r;
      try {
        r = handler.apply(Json.object(bytes.toArray()));
      } catch (RuntimeException e) {
        return complete(ApiErrors.response(e));
      }
      return completeWithFuture(r.exceptionally(ApiErrors::response));
    });
  }
}
