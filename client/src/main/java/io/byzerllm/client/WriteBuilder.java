package io.byzerllm.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rows to upsert into a {@link ByzerStorage} table by {@code _id}, byzerllm's {@code write_builder()}.
 * A vector field's value may be a {@code float[]}, a list of numbers, or a text that the node embeds
 * through the embedding model (in batches). The caller's maps are copied, never changed.
 *
 * <p>{@link #execute()} sends the rows in requests of {@value #ROWS_PER_REQUEST}; each request is
 * validated as a whole (a bad row fails it and nothing of it is written), and the rows are durable
 * only after {@link ByzerStorage#commit()}. Not thread-safe: build it on one thread.
 */
public final class WriteBuilder {
  /** Rows per HTTP request (and per all-or-nothing batch). */
  public static final int ROWS_PER_REQUEST = 1000;

  private final StorageCalls calls;
  private final String embModel;
  private final List<Map<String, Object>> rows = new ArrayList<>();
  private final Set<String> vectorFields = new LinkedHashSet<>();
  private final Set<String> searchFields = new LinkedHashSet<>();

  WriteBuilder(StorageCalls calls, String embModel) {
    this.calls = calls;
    this.embModel = embModel;
  }

  /** One row; its vector fields may be text the node embeds. */
  public WriteBuilder addItem(Map<String, ?> row) {
    return addItems(List.of(row), List.of(), List.of());
  }

  /** One row, byzerllm's {@code add_item(item, vector_fields, search_fields)}. */
  public WriteBuilder addItem(Map<String, ?> row, List<String> vectorFields, List<String> searchFields) {
    return addItems(List.of(row), vectorFields, searchFields);
  }

  /** Rows; {@code vectorFields} name the fields whose text is embedded, {@code searchFields} the full-text ones. */
  public WriteBuilder addItems(List<? extends Map<String, ?>> items, List<String> vectorFields, List<String> searchFields) {
    if (items == null) {
      throw new IllegalArgumentException("items is null; pass a list of rows");
    }
    for (Map<String, ?> row : items) {
      if (row == null) {
        throw new IllegalArgumentException("row " + rows.size() + " is null; every row is a map with an _id");
      }
      rows.add(new LinkedHashMap<>(row));
    }
    addNames(this.vectorFields, vectorFields);
    addNames(this.searchFields, searchFields);
    return this;
  }

  /** Upserts the rows; answers how many were written. */
  public int execute() {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no rows to write; add some with addItem or addItems");
    }
    int written = 0;
    for (Map<String, Object> body : bodies()) {
      written += calls.post("/rows", body).path("written").asInt();
    }
    return written;
  }

  /** The request bodies, {@value #ROWS_PER_REQUEST} rows each. */
  List<Map<String, Object>> bodies() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += ROWS_PER_REQUEST) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("rows", rows.subList(from, Math.min(rows.size(), from + ROWS_PER_REQUEST)));
      body.put("vector_fields", List.copyOf(vectorFields));
      body.put("search_fields", List.copyOf(searchFields));
      body.put("emb_model", embModel);
      out.add(body);
    }
    return out;
  }

  private static void addNames(Set<String> into, List<String> names) {
    if (names != null) {
      for (String n : names) {
        if (n == null || n.isBlank()) {
          throw new IllegalArgumentException("a field name in vector_fields/search_fields is empty");
        }
        into.add(n);
      }
    }
  }
}
