package io.byzerllm.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The schema of a {@link ByzerStorage} table, byzerllm's {@code schema_builder()}. It must have an
 * {@code _id} field of type STRING or LONG. Not thread-safe: build it on one thread.
 */
public final class SchemaBuilder {
  private final StorageCalls calls;
  private final List<Map<String, Object>> fields = new ArrayList<>();

  SchemaBuilder(StorageCalls calls) {
    this.calls = calls;
  }

  /** A scalar field; options combine (an ANALYZE field is also returned). */
  public SchemaBuilder addField(String name, DataType type, FieldOption... options) {
    return add(name, type, false, options);
  }

  /** A vector field: only {@code DataType.FLOAT} arrays are supported (its dimension is fixed by the first row). */
  public SchemaBuilder addArrayField(String name, DataType elementType, FieldOption... options) {
    if (elementType != DataType.FLOAT) {
      throw new IllegalArgumentException("array field '" + name + "' must hold FLOAT (a vector); got " + elementType);
    }
    return add(name, elementType, true, options);
  }

  /**
   * Creates the table: true when created, false when it already exists with the same schema; a
   * different schema already there throws {@link LlmClientException} ({@code CONFLICT}).
   */
  public boolean execute() {
    return calls.post("", body()).path("created").asBoolean(false);
  }

  /** The request body: {@code {"fields":[{"name","type","array","options"}]}}. */
  Map<String, Object> body() {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("the schema has no fields; add at least _id with addField(\"_id\", DataType.STRING)");
    }
    return Map.of("fields", List.copyOf(fields));
  }

  private SchemaBuilder add(String name, DataType type, boolean array, FieldOption... options) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a field name is empty; give every field a name");
    }
    if (type == null) {
      throw new IllegalArgumentException("field '" + name + "' has no type; pass a DataType");
    }
    if (fields.stream().anyMatch(f -> f.get("name").equals(name))) {
      throw new IllegalArgumentException("field '" + name + "' is added twice; add each field once");
    }
    LinkedHashSet<String> opts = new LinkedHashSet<>();
    for (FieldOption o : options == null ? new FieldOption[0] : options) {
      if (o == null) {
        throw new IllegalArgumentException("field '" + name + "' has a null option");
      }
      opts.add(o.wireName());
    }
    Map<String, Object> field = new LinkedHashMap<>();
    field.put("name", name);
    field.put("type", type.wireName());
    field.put("array", array);
    field.put("options", List.copyOf(opts));
    fields.add(field);
    return this;
  }
}
