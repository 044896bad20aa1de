package io.byzerllm.storage.internal;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.storage.TableSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;

/**
 * Reads result rows back with the schema's types. Vectors are returned only when selected by name: they are large
 * and a RAG caller wants the text; they come from the vector index, not from a second stored copy, so they come back
 * scaled to length 1 (cosine ignores length; BGE embeddings are unit vectors already).
 */
public final class StoredRows {
  private final TableSchema schema;
  private final List<String> defaultFields;

  public StoredRows(TableSchema schema) {
    this.schema = schema;
    this.defaultFields = schema.fields().stream().filter(f -> !f.isVector()).map(FieldSpec::name).toList();
  }

  /** The fields a query returns: its selection (checked against the schema) or every non-vector field. */
  public List<String> returned(List<String> select) {
    if (select.isEmpty()) {
      return defaultFields;
    }
    for (String name : select) {
      if (schema.field(name).isEmpty()) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, "select field '" + name + "' is not in the table's schema; fields: "
            + schema.fields().stream().map(FieldSpec::name).toList());
      }
    }
    return select;
  }

  /**
   * Reads {@code fields} of one document, in that order; absent values are left out. Pass one {@code stored} per
   * query: it keeps the last decompressed block, which neighbouring hits share.
   */
  public Map<String, Object> read(IndexSearcher searcher, StoredFields stored, int doc, List<String> fields)
      throws IOException {
    var names = new HashSet<String>();
    for (String name : fields) {
      if (!schema.field(name).orElseThrow().isVector()) {
        names.add(name);
      }
    }
    Document d = names.isEmpty() ? new Document() : stored.document(doc, names);
    var row = new LinkedHashMap<String, Object>();
    for (String name : fields) {
      FieldSpec f = schema.field(name).orElseThrow();
      Object value = f.isVector() ? vector(searcher, doc, name) : value(f, d.getField(name));
      if (value != null) {
        row.put(name, value);
      }
    }
    return row;
  }

  private static Object value(FieldSpec f, IndexableField field) {
    if (field == null) {
      return null;
    }
    return switch (f.type()) {
      case STRING -> field.stringValue();
      case LONG -> field.numericValue().longValue();
      case FLOAT -> field.numericValue().floatValue();
      case DOUBLE -> field.numericValue().doubleValue();
      case BOOLEAN -> field.numericValue().intValue() != 0;
    };
  }

  private static float[] vector(IndexSearcher searcher, int doc, String name) throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
    FloatVectorValues values = leaf.reader().getFloatVectorValues(name);
    int target = doc - leaf.docBase;
    if (values == null || values.advance(target) != target) {
      return null;
    }
    return values.vectorValue().clone();
  }

  /** Names that must be loaded besides the returned ones, e.g. sort keys not selected. */
  public static List<String> plus(List<String> fields, Set<String> extra) {
    if (fields.containsAll(extra)) {
      return fields;
    }
    var all = new ArrayList<>(fields);
    extra.stream().filter(e -> !fields.contains(e)).forEach(all::add);
    return all;
  }
}
