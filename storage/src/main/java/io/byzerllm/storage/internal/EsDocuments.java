package io.byzerllm.storage.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.FieldOption;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.storage.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * A table's schema as an Elasticsearch index, and its rows as that index's documents.
 *
 * <p>Mapping: a plain string is a {@code keyword}; numbers and booleans keep their type; NO_INDEX turns off the
 * index and doc values (the value stays in {@code _source}); a vector is a {@code dense_vector} (cosine, HNSW with
 * the embedded store's m = 16 and ef_construction = 100, unquantized {@code hnsw}, not 8.17's default int8).
 * The row's id is the document's {@code _id} and, typed, the field {@value #ID}, which filters and sorts.
 *
 * <p>Text: Elasticsearch ships Chinese word segmentation (smartcn) only as a plugin that a user's cluster may not
 * have, so an ANALYZE field is tokenized here, with the embedded store's analyzer ({@link TextAnalysis}), and the
 * tokens go into the shadow field {@code __tokens_<name>} analyzed by whitespace only; keywords are tokenized the
 * same way before they are sent. Both stores therefore see the same terms and, on one shard, the same BM25 scores.
 * The original text stays in {@code _source} (a non-indexed keyword; with SORT it keeps doc values to sort on).
 */
public final class EsDocuments {
  /** The typed id (the document's {@code _id} is always text). */
  public static final String ID = "__id";
  public static final String TOKENS = "__tokens_";
  /** Where the schema is kept: the index mapping's {@code _meta}. */
  public static final String META_SCHEMA = "byzer_schema";
  public static final String META_TABLE = "byzer_table";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TableSchema schema;
  private final RowDocuments checks;
  private final Analyzer analyzer;

  public EsDocuments(TableSchema schema, Analyzer analyzer) {
    this.schema = schema;
    this.checks = new RowDocuments(schema);
    this.analyzer = analyzer;
  }

  /** The index field a filter or sort on {@code name} uses. */
  public static String indexField(String name) {
    return name.equals(TableSchema.ID) ? ID : name;
  }

  /** The index mapping (properties and {@code _meta}) as JSON. */
  public static ObjectNode mapping(TableSchema schema, String table) {
    ObjectNode m = JSON.createObjectNode();
    m.put("dynamic", "strict");
    ObjectNode meta = m.putObject("_meta");
    meta.set(META_SCHEMA, JSON.valueToTree(schema));
    meta.put(META_TABLE, table);
    ObjectNode props = m.putObject("properties");
    for (FieldSpec f : schema.fields()) {
      String name = indexField(f.name());
      ObjectNode p = props.putObject(name);
      if (f.isVector()) {
        p.put("type", "dense_vector").put("index", true).put("similarity", "cosine");
        p.putObject("index_options").put("type", "hnsw").put("m", LuceneTable.HNSW_MAX_CONN)
            .put("ef_construction", LuceneTable.HNSW_BEAM_WIDTH);
        continue;
      }
      boolean indexed = !f.has(FieldOption.NO_INDEX) && !f.has(FieldOption.ANALYZE);
      boolean sort = f.has(FieldOption.SORT);
      p.put("type", switch (f.type()) {
        case STRING -> "keyword";
        case LONG -> "long";
        case FLOAT -> "float";
        case DOUBLE -> "double";
        case BOOLEAN -> "boolean";
      });
      if (!indexed) {
        p.put("index", false);
      }
      if (!indexed && !sort) {
        p.put("doc_values", false);
      }
      if (f.has(FieldOption.ANALYZE)) {
        props.putObject(TOKENS + f.name()).put("type", "text").put("analyzer", "whitespace");
      }
    }
    return m;
  }

  /** The schema kept in an index's {@code _meta}. */
  public static TableSchema schemaOf(JsonNode meta) {
    try {
      return JSON.treeToValue(meta.get(META_SCHEMA), TableSchema.class);
    } catch (IOException e) {
      throw new LlmException(ErrorKind.INTERNAL, "the index's _meta." + META_SCHEMA + " is not a table schema: " + e.getMessage(), e);
    }
  }

  /** A validated document and its {@code _id}. */
  public record Doc(String id, ObjectNode source) {}

  /**
   * Validates every row (the same checks and messages as the embedded store) before any is sent.
   *
   * @param dimensions the known dimension of each vector field; the batch's first vector fixes a missing one
   */
  public List<Doc> toDocuments(List<Map<String, Object>> rows, Map<String, Integer> dimensions) {
    if (rows == null) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "rows must be a list of objects, got null");
    }
    var out = new ArrayList<Doc>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> row = rows.get(i);
      Object id = checks.checkShape(i, row);
      String key = checks.keyText(id, RowDocuments.where(i, TableSchema.ID));
      ObjectNode src = JSON.createObjectNode();
      for (FieldSpec f : schema.fields()) {
        Object value = row.get(f.name());
        if (value != null) {
          put(src, f, value, RowDocuments.where(i, f.name()), dimensions);
        }
      }
      out.add(new Doc(key, src));
    }
    return out;
  }

  private void put(ObjectNode src, FieldSpec f, Object value, String where, Map<String, Integer> dimensions) {
    String name = indexField(f.name());
    if (f.isVector()) {
      ArrayNode a = src.putArray(name);
      for (float x : RowDocuments.unitVector(f.name(), value, where, dimensions)) {
        a.add(x);
      }
      return;
    }
    switch (f.type()) {
      case STRING -> {
        String s = RowDocuments.string(f, value, where);
        src.put(name, s);
        if (f.has(FieldOption.ANALYZE)) {
          src.put(TOKENS + f.name(), String.join(" ", tokens(f.name(), s)));
        }
      }
      case LONG -> src.put(name, Values.whole(value, where));
      case FLOAT -> src.put(name, Values.finiteFloat(value, where));
      case DOUBLE -> src.put(name, Values.finiteDouble(value, where));
      case BOOLEAN -> src.put(name, Values.bool(value, where));
    }
  }

  /** The terms the embedded store would index (or search) for this text. */
  public List<String> tokens(String field, String text) {
    var out = new ArrayList<String>();
    try (TokenStream ts = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** A document's source as a row with the schema's types, holding {@code fields} in that order (absent ones left out). */
  public Map<String, Object> toRow(JsonNode src, List<String> fields) {
    var row = new LinkedHashMap<String, Object>();
    for (String name : fields) {
      FieldSpec f = schema.field(name).orElseThrow();
      JsonNode v = src.get(indexField(name));
      if (v == null || v.isNull()) {
        continue;
      }
      if (f.isVector()) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = v.get(i).floatValue();
        }
        row.put(name, out);
        continue;
      }
      row.put(name, switch (f.type()) {
        case STRING -> v.asText();
        case LONG -> v.asLong();
        case FLOAT -> v.floatValue();
        case DOUBLE -> v.doubleValue();
        case BOOLEAN -> v.asBoolean();
      });
    }
    return row;
  }
}
