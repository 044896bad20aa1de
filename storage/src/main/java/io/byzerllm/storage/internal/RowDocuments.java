package io.byzerllm.storage.internal;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.DataType;
import io.byzerllm.storage.FieldOption;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.storage.TableSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FloatPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;

/**
 * Validates a batch of rows against a schema and turns it into Lucene documents, all before anything is written,
 * so that one bad row rejects the whole batch. Every scalar is stored (so every field can be returned, analyzed text
 * included); vectors are read back from the vector index instead of being stored twice.
 *
 * <p>Mapping: a plain string is one exact term (filterable); ANALYZE makes it full text (BM25); numbers and booleans
 * are points (filterable, ranges; booleans as 0/1); SORT adds doc values; NO_INDEX leaves only the stored value
 * (and doc values with SORT). Each row also gets the internal term {@link #KEY} = the id as text, the upsert key.
 */
public final class RowDocuments {
  /** The upsert key: the row's _id as an exact term, whatever the id's type. */
  public static final String KEY = "__key";
  /** Lucene refuses longer terms; longer plain strings must be analyzed or no_index. */
  private static final int MAX_TERM_BYTES = 32766;

  private final TableSchema schema;
  private final Map<String, FieldSpec> byName = new HashMap<>();

  public RowDocuments(TableSchema schema) {
    this.schema = schema;
    schema.fields().forEach(f -> byName.put(f.name(), f));
  }

  /** A document and the term that replaces an earlier row with the same id. */
  public record Keyed(Term key, Document document) {}

  /**
   * @param dimensions the known dimension of each vector field (fields never written are absent); the batch's first
   *     vector fixes a missing one, and the map is updated with it
   */
  public List<Keyed> toDocuments(List<Map<String, Object>> rows, Map<String, Integer> dimensions) {
    if (rows == null) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "rows must be a list of objects, got null");
    }
    var out = new ArrayList<Keyed>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      out.add(toDocument(i, rows.get(i), dimensions));
    }
    return out;
  }

  /** The exact term of an id (for upserts and deletes by id). */
  public Term keyOf(Object id, String where) {
    return new Term(KEY, keyText(id, where));
  }

  /** The id as text, whatever its type: the upsert key. */
  public String keyText(Object id, String where) {
    return schema.id().type() == DataType.LONG ? Long.toString(Values.whole(id, where)) : Values.string(id, where);
  }

  private Keyed toDocument(int index, Map<String, Object> row, Map<String, Integer> dimensions) {
    Object id = checkShape(index, row);
    var doc = new Document();
    Term key = new Term(KEY, keyText(id, where(index, TableSchema.ID)));
    doc.add(new StringField(KEY, key.text(), Field.Store.NO));
    for (FieldSpec f : schema.fields()) {
      Object value = row.get(f.name());
      if (value != null) {
        addField(doc, f, value, where(index, f.name()), dimensions);
      }
    }
    return new Keyed(key, doc);
  }

  /** Checks that row {@code index} is an object of schema fields with an {@code _id}; returns the id. */
  public Object checkShape(int index, Map<String, Object> row) {
    if (row == null) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "row " + index + ": is null; each row is an object with \"_id\"");
    }
    for (String name : row.keySet()) {
      if (!byName.containsKey(name)) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, "row " + index + ": field '" + name
            + "' is not in the table's schema (fields: " + byName.keySet() + "); remove it or create the table with it");
      }
    }
    Object id = row.get(TableSchema.ID);
    if (id == null) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "row " + index + ": field '_id' is missing; every row needs an _id");
    }
    return id;
  }

  public static String where(int index, String field) {
    return "row " + index + ", field '" + field + "'";
  }

  /** A row's vector scaled to length 1; the batch's first vector of a field fixes its dimension in {@code dimensions}. */
  public static float[] unitVector(String field, Object value, String where, Map<String, Integer> dimensions) {
    float[] v = Values.unitVector(value, where);
    Integer dim = dimensions.putIfAbsent(field, v.length);
    if (dim != null && dim != v.length) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, where + ": the vector has " + v.length
          + " dimensions, the field has " + dim + "; embed with the same model");
    }
    return v;
  }

  /** A row's string, no longer than an exact (filterable or sortable) term may be. */
  public static String string(FieldSpec f, Object value, String where) {
    String s = Values.string(value, where);
    boolean oneTerm = !f.has(FieldOption.NO_INDEX) && !f.has(FieldOption.ANALYZE);
    if ((oneTerm || f.has(FieldOption.SORT)) && s.getBytes(StandardCharsets.UTF_8).length > MAX_TERM_BYTES) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, where + ": " + s.length()
          + " characters is too long for an exact (filterable or sortable) string; give the field the analyze or no_index option instead of sort");
    }
    return s;
  }

  private static void addField(Document doc, FieldSpec f, Object value, String where, Map<String, Integer> dimensions) {
    String name = f.name();
    boolean indexed = !f.has(FieldOption.NO_INDEX);
    boolean sort = f.has(FieldOption.SORT);
    if (f.isVector()) {
      float[] v = unitVector(name, value, where, dimensions);
      doc.add(new KnnFloatVectorField(name, v, VectorSimilarityFunction.DOT_PRODUCT));
      return;
    }
    switch (f.type()) {
      case STRING -> {
        String s = string(f, value, where);
        if (f.has(FieldOption.ANALYZE)) {
          doc.add(new TextField(name, s, Field.Store.YES));
        } else if (indexed) {
          doc.add(new StringField(name, s, Field.Store.YES));
        } else {
          doc.add(new StoredField(name, s));
        }
        if (sort) {
          doc.add(new SortedDocValuesField(name, new BytesRef(s)));
        }
      }
      case LONG -> {
        long l = Values.whole(value, where);
        if (indexed) {
          doc.add(new LongPoint(name, l));
        }
        doc.add(new StoredField(name, l));
        if (sort) {
          doc.add(new SortedNumericDocValuesField(name, l));
        }
      }
      case FLOAT -> {
        float x = Values.finiteFloat(value, where);
        if (indexed) {
          doc.add(new FloatPoint(name, x));
        }
        doc.add(new StoredField(name, x));
        if (sort) {
          doc.add(new SortedNumericDocValuesField(name, NumericUtils.floatToSortableInt(x)));
        }
      }
      case DOUBLE -> {
        double x = Values.finiteDouble(value, where);
        if (indexed) {
          doc.add(new DoublePoint(name, x));
        }
        doc.add(new StoredField(name, x));
        if (sort) {
          doc.add(new SortedNumericDocValuesField(name, NumericUtils.doubleToSortableLong(x)));
        }
      }
      case BOOLEAN -> {
        long b = Values.bool(value, where) ? 1 : 0;
        if (indexed) {
          doc.add(new LongPoint(name, b));
        }
        doc.add(new StoredField(name, (int) b));
        if (sort) {
          doc.add(new SortedNumericDocValuesField(name, b));
        }
      }
    }
  }
}
