package io.byzerllm.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A search of a {@link ByzerStorage} table, byzerllm's {@code query_builder()}: a keyword (BM25 on the
 * search fields), a vector (cosine KNN, scores {@code (1+cos)/2}), or both (reciprocal-rank fusion,
 * k = 60); filters; sorting; a projection; a global limit (default 10). With only a filter it lists the
 * matching rows (no {@code _score}), and {@link #delete()} deletes them. Not thread-safe.
 */
public final class QueryBuilder {
  /** byzerllm's default limit. */
  public static final int DEFAULT_LIMIT = 10;

  private final StorageCalls calls;
  private final String embModel;
  private String keyword;
  private List<String> searchFields = List.of();
  private Object vector;
  private String vectorField;
  private final List<Map<String, Object>> filters = new ArrayList<>();
  private final List<Map<String, Object>> sorts = new ArrayList<>();
  private List<String> select;
  private int limit = DEFAULT_LIMIT;

  QueryBuilder(StorageCalls calls, String embModel) {
    this.calls = calls;
    this.embModel = embModel;
  }

  /** Nearest neighbours of {@code text}, embedded by the node as a query, in the vector field {@code field}. */
  public QueryBuilder setVectorQuery(String text, String field) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("the vector query text is empty; pass the text to search for");
    }
    return vector(text, field);
  }

  /** Nearest neighbours of {@code vector} in the vector field {@code field}. */
  public QueryBuilder setVectorQuery(float[] vector, String field) {
    if (vector == null || vector.length == 0) {
      throw new IllegalArgumentException("the query vector is empty; pass the vector to search for");
    }
    return vector(vector.clone(), field);
  }

  /** Nearest neighbours of {@code vector} (numbers) in the vector field {@code field}. */
  public QueryBuilder setVectorQuery(List<? extends Number> vector, String field) {
    if (vector == null || vector.isEmpty()) {
      throw new IllegalArgumentException("the query vector is empty; pass the vector to search for");
    }
    return vector(List.copyOf(vector), field);
  }

  /** Full-text search of {@code keyword} in {@code fields} (ANALYZE fields). */
  public QueryBuilder setSearchQuery(String keyword, String... fields) {
    return setSearchQuery(keyword, fields == null ? List.of() : Arrays.asList(fields));
  }

  /** Full-text search of {@code keyword} in {@code fields} (ANALYZE fields). */
  public QueryBuilder setSearchQuery(String keyword, List<String> fields) {
    if (keyword == null || keyword.isBlank()) {
      throw new IllegalArgumentException("the search keyword is empty; pass the words to search for");
    }
    if (fields == null || fields.isEmpty()) {
      throw new IllegalArgumentException("setSearchQuery(\"" + keyword + "\") names no field; pass the ANALYZE fields to search");
    }
    this.keyword = keyword;
    this.searchFields = List.copyOf(fields);
    return this;
  }

  /** A group of conditions that must all hold; {@code build()} returns here. Several filters all apply. */
  public FilterBuilder<QueryBuilder> andFilter() {
    return new FilterBuilder<>("and", this::addFilter);
  }

  /** A group of conditions of which one must hold; {@code build()} returns here. Several filters all apply. */
  public FilterBuilder<QueryBuilder> orFilter() {
    return new FilterBuilder<>("or", this::addFilter);
  }

  /** Orders the results by {@code field} (a SORT field); later sorts break ties of earlier ones. */
  public QueryBuilder sort(String field, SortOption order) {
    if (field == null || field.isBlank() || order == null) {
      throw new IllegalArgumentException("sort needs a field name and a SortOption (got " + field + ", " + order + ")");
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("field", field);
    s.put("order", order.wireName());
    sorts.add(s);
    return this;
  }

  /** Returns only these fields of each row (plus {@code _score}); unlike byzerllm, it does not change the search fields. */
  public QueryBuilder setFields(String... fields) {
    return setFields(fields == null ? List.of() : Arrays.asList(fields));
  }

  /** Returns only these fields of each row (plus {@code _score}). */
  public QueryBuilder setFields(List<String> fields) {
    if (fields == null || fields.isEmpty()) {
      throw new IllegalArgumentException("setFields names no field; pass the fields to return");
    }
    this.select = List.copyOf(fields);
    return this;
  }

  /** At most {@code n} rows in all (default {@value #DEFAULT_LIMIT}). */
  public QueryBuilder setLimit(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("limit must be >= 1 (got " + n + ")");
    }
    this.limit = n;
    return this;
  }

  /** The matching rows, best first, each with {@code _score} when a keyword or vector was given. */
  public List<Map<String, Object>> execute() {
    if (keyword == null && vector == null && filters.isEmpty()) {
      throw new IllegalArgumentException("the query has no keyword, vector or filter; set one with setSearchQuery, "
          + "setVectorQuery, andFilter or orFilter");
    }
    return calls.rows(calls.post("/search", body()));
  }

  /** Deletes every row the filter matches (not only {@code limit} of them), commits, and answers how many. */
  public long delete() {
    if (keyword != null || vector != null) {
      throw new IllegalArgumentException("delete() works on a filter only; remove setSearchQuery/setVectorQuery");
    }
    if (filters.isEmpty()) {
      throw new IllegalArgumentException("delete() needs a filter; add one with andFilter() or orFilter() "
          + "(truncateTable() deletes every row)");
    }
    return calls.post("/delete", Map.of("filter", filter())).path("deleted").asLong();
  }

  /** The search request body. */
  Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("keyword", keyword);
    body.put("fields", searchFields);
    body.put("vector", vector);
    body.put("vector_field", vectorField);
    body.put("filter", filters.isEmpty() ? null : filter());
    body.put("sorts", List.copyOf(sorts));
    body.put("select", select);
    body.put("limit", limit);
    body.put("emb_model", embModel);
    return body;
  }

  private Map<String, Object> filter() {
    return filters.size() == 1 ? filters.get(0) : Map.of("and", List.copyOf(filters));
  }

  private QueryBuilder addFilter(Map<String, Object> group) {
    filters.add(group);
    return this;
  }

  private QueryBuilder vector(Object v, String field) {
    if (field == null || field.isBlank()) {
      throw new IllegalArgumentException("setVectorQuery names no field; pass the vector field to search");
    }
    this.vector = v;
    this.vectorField = field;
    return this;
  }
}
