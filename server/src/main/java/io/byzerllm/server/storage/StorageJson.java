package io.byzerllm.server.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.server.http.Json;
import io.byzerllm.storage.DataType;
import io.byzerllm.storage.ElasticsearchConfig;
import io.byzerllm.storage.FieldOption;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.storage.Filter;
import io.byzerllm.storage.SortOrder;
import io.byzerllm.storage.SortSpec;
import io.byzerllm.storage.StoreStatus;
import io.byzerllm.storage.TableSchema;
import io.byzerllm.storage.TableStatus;
import io.byzerllm.worker.openai.Fields;
import io.byzerllm.worker.openai.InvalidFieldException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;

/** The storage API's JSON: request bodies into the store's types, each failure a 400 naming the field; status out. */
final class StorageJson {
  private static final TypeReference<Map<String, Object>> ROW = new TypeReference<>() {};

  private StorageJson() {}

  /** {@code {"fields":[{"name","type","array","options":[..]}]}}. */
  static TableSchema schema(ObjectNode body) {
    JsonNode fields = body.get("fields");
    if (fields == null || !fields.isArray() || fields.isEmpty()) {
      throw new InvalidFieldException("fields", "'fields' is required: a list of {name, type, array, options}, with _id");
    }
    List<FieldSpec> out = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      JsonNode f = fields.get(i);
      String where = "fields[" + i + "]";
      if (!f.isObject() || !f.path("name").isTextual() || !f.path("type").isTextual()) {
        throw new InvalidFieldException(where, where + " must be an object with a string 'name' and 'type' (got " + f + ")");
      }
      Set<FieldOption> options = EnumSet.noneOf(FieldOption.class);
      for (JsonNode o : f.path("options")) {
        options.add(FieldOption.fromJson(o.asText()));
      }
      out.add(new FieldSpec(f.get("name").asText(), DataType.fromJson(f.get("type").asText()),
          f.path("array").asBoolean(false), options));
    }
    return new TableSchema(out);
  }

  /** {@code "rows"}: a non-empty list of objects, as maps (numbers as Integer/Long/Double, arrays as lists). */
  static List<Map<String, Object>> rows(ObjectNode body) {
    JsonNode rows = body.get("rows");
    if (rows == null || !rows.isArray() || rows.isEmpty()) {
      throw new InvalidFieldException("rows", "'rows' is required: a non-empty list of objects, each with an _id");
    }
    List<Map<String, Object>> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      if (!rows.get(i).isObject()) {
        throw new InvalidFieldException("rows", "row " + i + " is not an object (got " + rows.get(i) + ")");
      }
      out.add(new LinkedHashMap<>(Json.MAPPER.convertValue(rows.get(i), ROW)));
    }
    return out;
  }

  /** A list of strings, empty when absent. */
  static List<String> strings(ObjectNode body, String name) {
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new InvalidFieldException(name, "'" + name + "' must be a list of field names (got " + v + ")");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : v) {
      if (!n.isTextual() || n.asText().isBlank()) {
        throw new InvalidFieldException(name, "'" + name + "' must hold non-empty field names (got " + n + ")");
      }
      out.add(n.asText());
    }
    return out;
  }

  /** {@code {"and":[..]}}, {@code {"or":[..]}}, {@code {"field","value"}} or {@code {"field","min","max"}}; null when absent. */
  static Filter filter(JsonNode n) {
    return n == null || n.isNull() ? null : filter(n, "filter");
  }

  private static Filter filter(JsonNode n, String where) {
    if (!n.isObject()) {
      throw new InvalidFieldException("filter", where + " must be an object: {and:[..]}, {or:[..]}, {field, value} "
          + "or {field, min, max} (got " + n + ")");
    }
    if (n.has("and") || n.has("or")) {
      String op = n.has("and") ? "and" : "or";
      JsonNode items = n.get(op);
      if (!items.isArray()) {
        throw new InvalidFieldException("filter", where + "." + op + " must be a list of conditions (got " + items + ")");
      }
      List<Filter> parts = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        parts.add(filter(items.get(i), where + "." + op + "[" + i + "]"));
      }
      return op.equals("and") ? new Filter.And(parts) : new Filter.Or(parts);
    }
    JsonNode field = n.get("field");
    if (field == null || !field.isTextual()) {
      throw new InvalidFieldException("filter", where + " needs a string 'field' (got " + n + ")");
    }
    if (n.has("value")) {
      return new Filter.Equals(field.asText(), scalar(n.get("value"), where + ".value"));
    }
    if (n.has("min") || n.has("max")) {
      return new Filter.Range(field.asText(), scalar(n.get("min"), where + ".min"), scalar(n.get("max"), where + ".max"));
    }
    throw new InvalidFieldException("filter", where + " on '" + field.asText() + "' needs 'value', or 'min' and/or 'max'");
  }

  private static Object scalar(JsonNode v, String where) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    throw new InvalidFieldException("filter", where + " must be a string, number or boolean (got " + v + ")");
  }

  /** {@code "sorts":[{"field","order"}]}. */
  static List<SortSpec> sorts(ObjectNode body) {
    JsonNode v = body.get("sorts");
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new InvalidFieldException("sorts", "'sorts' must be a list of {field, order} (got " + v + ")");
    }
    List<SortSpec> out = new ArrayList<>();
    for (JsonNode s : v) {
      if (!s.path("field").isTextual()) {
        throw new InvalidFieldException("sorts", "each sort needs a string 'field' (got " + s + ")");
      }
      String order = s.path("order").asText("asc");
      out.add(new SortSpec(s.get("field").asText(), SortOrder.fromJson(order)));
    }
    return out;
  }

  /** {@code "limit"}: a whole number >= 1, default {@code fallback}. */
  static int limit(ObjectNode body, int fallback) {
    JsonNode v = body.get("limit");
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
      throw new InvalidFieldException("limit", "'limit' must be a whole number >= 1 (got " + v + ")");
    }
    return v.asInt();
  }

  /** A list of numbers as a vector. */
  static float[] floats(JsonNode v, String name) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isNumber()) {
        throw new InvalidFieldException(name, "'" + name + "' must be a text or a list of numbers (element " + i
            + " is " + v.get(i) + ")");
      }
      out[i] = (float) v.get(i).asDouble();
    }
    return out;
  }

  /**
   * The backend a store-opening body asks for: null for the embedded store ({@code backend} absent, "lucene" or
   * "embedded"), or the connection for "elasticsearch" ({@code es_url}, and {@code es_api_key} or
   * {@code es_username}/{@code es_password}).
   */
  static ElasticsearchConfig backend(ObjectNode body) {
    String backend = Objects.requireNonNullElse(Fields.optionalString(body, "backend"), "lucene");
    boolean anyEs = body.hasNonNull("es_url") || body.hasNonNull("es_api_key") || body.hasNonNull("es_username");
    switch (backend) {
      case "lucene", "embedded" -> {
        if (anyEs) {
          throw new InvalidFieldException("backend", "es_url, es_api_key and es_username need \"backend\": \"elasticsearch\"");
        }
        return null;
      }
      case "elasticsearch" -> {
        if (body.hasNonNull("base_dir")) {
          throw new InvalidFieldException("base_dir", "a store on Elasticsearch keeps its data in the cluster; drop base_dir");
        }
        if (!body.hasNonNull("es_url")) {
          throw new InvalidFieldException("es_url", "\"backend\": \"elasticsearch\" needs es_url, e.g. http://127.0.0.1:9200");
        }
        return new ElasticsearchConfig(Fields.optionalString(body, "es_url"), Fields.optionalString(body, "es_api_key"),
            Fields.optionalString(body, "es_username"), Fields.optionalString(body, "es_password"), null);
      }
      default -> throw new InvalidFieldException("backend", "unknown backend '" + backend + "'; use lucene (the default) or elasticsearch");
    }
  }

  /** A store's status: {@code cluster, node, directory, tables[..], documents, bytes, last_commit, emb_owned}. */
  static ObjectNode status(StoreStatus s, String node, boolean ownsEmb) {
    ObjectNode root = Json.newObject();
    root.put("cluster", s.cluster());
    root.put("node", node);
    root.put("backend", s.backend());
    root.put("directory", s.location()); // the store's directory, or the Elasticsearch URL
    ArrayNode tables = root.putArray("tables");
    for (TableStatus t : s.tables()) {
      ObjectNode n = tables.addObject();
      n.put("database", t.table().database());
      n.put("table", t.table().table());
      n.put("documents", t.documents());
      n.put("bytes", t.bytesOnDisk());
    }
    root.put("documents", s.documents());
    root.put("bytes", s.bytesOnDisk());
    root.put("last_commit", s.lastCommit() == null ? null : s.lastCommit().toString());
    root.put("emb_owned", ownsEmb);
    return root;
  }
}
