package io.byzerllm.storage.internal;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.FieldOption;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.storage.SearchQuery;
import io.byzerllm.storage.SortOrder;
import io.byzerllm.storage.SortSpec;
import io.byzerllm.storage.Store;
import io.byzerllm.storage.TableSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.QueryBuilder;

/**
 * The search paths of one table on one searcher snapshot (see {@link SearchQuery}). Both recalls of a hybrid query
 * run on the same snapshot, so they fuse by Lucene doc id.
 */
public final class TableSearch {
  /**
   * Each segment's HNSW search keeps at least this many candidates, even for limit 10. Measured by StorageBench at
   * 100k x 512-d (docs/benchmarks.md): 100 gave recall@10 0.992 at 12.7 ms CPU p50, 30 gave 0.956 at 7.7 ms. Real
   * embeddings are harder to search than the synthetic ones, so recall gets the margin.
   */
  static final int MIN_KNN_CANDIDATES = 100;

  private final TableSchema schema;
  private final FilterQueries filters;
  private final StoredRows rows;
  private final QueryBuilder text;
  private final List<String> analyzedFields;

  public TableSearch(TableSchema schema, Analyzer analyzer) {
    this.schema = schema;
    this.filters = new FilterQueries(schema);
    this.rows = new StoredRows(schema);
    this.text = new QueryBuilder(analyzer);
    this.analyzedFields = schema.fields().stream().filter(f -> f.has(FieldOption.ANALYZE)).map(FieldSpec::name).toList();
  }

  public FilterQueries filters() {
    return filters;
  }

  /** @param dimensions the dimension of each vector field written so far */
  public List<Map<String, Object>> run(IndexSearcher searcher, SearchQuery q, Map<String, Integer> dimensions)
      throws IOException {
    Query filter = filters.toQuery(q.filter());
    List<String> returned = rows.returned(q.select());
    List<SortSpec> sorts = q.sorts();
    Set<String> sortFields = new LinkedHashSet<>();
    sorts.forEach(s -> sortFields.add(sortable(s.field()).name()));
    List<String> loaded = StoredRows.plus(returned, sortFields);

    if (!q.hasKeyword() && !q.hasVector()) {
      Query all = filter == null ? new MatchAllDocsQuery() : filter;
      TopDocs top = sorts.isEmpty() ? searcher.search(all, q.limit()) : searcher.search(all, q.limit(), luceneSort(sorts));
      var out = new ArrayList<Map<String, Object>>(top.scoreDocs.length);
      StoredFields stored = searcher.storedFields();
      for (ScoreDoc hit : top.scoreDocs) {
        out.add(rows.read(searcher, stored, hit.doc, loaded));
      }
      return project(out, returned);
    }
    List<Hit> hits;
    if (q.hasKeyword() && !q.hasVector()) {
      hits = Hit.of(searcher.search(keywordQuery(q, filter), q.limit()).scoreDocs, q.limit());
    } else if (!q.hasKeyword()) {
      hits = knn(searcher, q, filter, dimensions);
    } else {
      hits = hybrid(searcher, q, filter, dimensions);
    }
    var out = new ArrayList<Map<String, Object>>(hits.size());
    StoredFields stored = searcher.storedFields();
    for (Hit hit : hits) {
      Map<String, Object> row = rows.read(searcher, stored, hit.doc(), loaded);
      row.put(Store.SCORE, hit.score());
      out.add(row);
    }
    if (!sorts.isEmpty()) {
      out.sort(rowOrder(sorts));
    }
    return project(out, returned);
  }

  /** A result document with its score: BM25, (1+cos)/2, or the fused score (kept in double: 2/60 stays 2/60). */
  private record Hit(int doc, double score) {
    static List<Hit> of(ScoreDoc[] docs, int limit) {
      var out = new ArrayList<Hit>(Math.min(limit, docs.length));
      for (int i = 0; i < docs.length && i < limit; i++) {
        out.add(new Hit(docs[i].doc, docs[i].score));
      }
      return out;
    }
  }

  private List<Hit> hybrid(IndexSearcher searcher, SearchQuery q, Query filter, Map<String, Integer> dimensions)
      throws IOException {
    List<Integer> byText = new ArrayList<>();
    for (ScoreDoc d : searcher.search(keywordQuery(q, filter), q.limit()).scoreDocs) {
      byText.add(d.doc);
    }
    List<Integer> byVector = knn(searcher, q, filter, dimensions).stream().map(Hit::doc).toList();
    var fused = ReciprocalRankFusion.fuse(List.of(byText, byVector));
    var out = new ArrayList<Hit>(Math.min(q.limit(), fused.size()));
    for (var f : fused.subList(0, Math.min(q.limit(), fused.size()))) {
      out.add(new Hit(f.key(), f.score()));
    }
    return out;
  }

  private List<Hit> knn(IndexSearcher searcher, SearchQuery q, Query filter, Map<String, Integer> dimensions)
      throws IOException {
    String name = q.vectorField();
    FieldSpec f = schema.field(name).orElseThrow(() -> new LlmException(ErrorKind.INVALID_REQUEST,
        "vector_field '" + name + "' is not in the table's schema"));
    if (!f.isVector()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "vector_field '" + name + "' is not a vector (float array) field");
    }
    float[] vector = Values.unitVector(q.vector(), "query vector for field '" + name + "'");
    Integer dim = dimensions.get(name);
    if (dim == null) {
      return List.of(); // nothing written to this field yet
    }
    if (dim != vector.length) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "query vector for field '" + name + "' has " + vector.length
          + " dimensions, the field has " + dim + "; embed the query with the model used for the rows");
    }
    int k = Math.max(q.limit(), MIN_KNN_CANDIDATES);
    return Hit.of(searcher.search(new KnnFloatVectorQuery(name, vector, k, filter), k).scoreDocs, q.limit());
  }

  private Query keywordQuery(SearchQuery q, Query filter) {
    Query keyword;
    if (q.keyword().equals("*")) {
      keyword = new MatchAllDocsQuery();
    } else {
      var anyField = new BooleanQuery.Builder();
      boolean anyTerm = false;
      for (String name : searchFields(q)) {
        Query perField = text.createBooleanQuery(name, q.keyword(), Occur.SHOULD);
        if (perField != null) {
          anyField.add(perField, Occur.SHOULD);
          anyTerm = true;
        }
      }
      if (!anyTerm) {
        return new MatchNoDocsQuery("the keyword has no searchable terms");
      }
      keyword = anyField.build();
    }
    if (filter == null) {
      return keyword;
    }
    // MUST keeps the keyword required; the filter is a FILTER clause and never scores.
    return new BooleanQuery.Builder().add(keyword, Occur.MUST).add(filter, Occur.FILTER).build();
  }

  /** The analyzed fields a keyword searches: the query's (checked) or every ANALYZE field. */
  public List<String> searchFields(SearchQuery q) {
    if (q.searchFields().isEmpty()) {
      if (analyzedFields.isEmpty()) {
        throw new LlmException(ErrorKind.INVALID_REQUEST,
            "the table has no analyze field to search with a keyword; create a string field with the analyze option");
      }
      return analyzedFields;
    }
    for (String name : q.searchFields()) {
      FieldSpec f = schema.field(name).orElseThrow(() -> new LlmException(ErrorKind.INVALID_REQUEST,
          "search field '" + name + "' is not in the table's schema; analyzed fields: " + analyzedFields));
      if (!f.has(FieldOption.ANALYZE)) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, "search field '" + name
            + "' is not analyzed; keyword search needs the analyze option (analyzed fields: " + analyzedFields + ")");
      }
    }
    return q.searchFields();
  }

  public FieldSpec sortable(String name) {
    FieldSpec f = schema.field(name).orElseThrow(() -> new LlmException(ErrorKind.INVALID_REQUEST,
        "sort field '" + name + "' is not in the table's schema"));
    if (f.isVector() || !f.has(FieldOption.SORT)) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "sort field '" + name
          + "' has no sort option; create the table with \"sort\" in that field's options");
    }
    return f;
  }

  /** Missing values sort last in both orders, on the filter-only path as in {@link #rowOrder}. */
  private Sort luceneSort(List<SortSpec> sorts) {
    var fields = new ArrayList<SortField>(sorts.size() + 1);
    for (SortSpec s : sorts) {
      FieldSpec f = sortable(s.field());
      boolean reverse = s.order() == SortOrder.DESC;
      SortField sf = switch (f.type()) {
        case STRING -> {
          var x = new SortField(f.name(), SortField.Type.STRING, reverse);
          x.setMissingValue(reverse ? SortField.STRING_FIRST : SortField.STRING_LAST);
          yield x;
        }
        case LONG, BOOLEAN -> {
          var x = new SortedNumericSortField(f.name(), SortField.Type.LONG, reverse);
          x.setMissingValue(reverse ? Long.MIN_VALUE : Long.MAX_VALUE);
          yield x;
        }
        case FLOAT -> {
          var x = new SortedNumericSortField(f.name(), SortField.Type.FLOAT, reverse);
          x.setMissingValue(reverse ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
          yield x;
        }
        case DOUBLE -> {
          var x = new SortedNumericSortField(f.name(), SortField.Type.DOUBLE, reverse);
          x.setMissingValue(reverse ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
          yield x;
        }
      };
      fields.add(sf);
    }
    fields.add(SortField.FIELD_DOC);
    return new Sort(fields.toArray(SortField[]::new));
  }

  /** Orders search hits by the sorts; a stable sort, so equal keys keep relevance order. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Comparator<Map<String, Object>> rowOrder(List<SortSpec> sorts) {
    Comparator<Map<String, Object>> order = (a, b) -> 0;
    for (SortSpec s : sorts) {
      Comparator<Comparable> values = s.order() == SortOrder.DESC ? Comparator.reverseOrder() : Comparator.naturalOrder();
      order = order.thenComparing(row -> (Comparable) row.get(s.field()), Comparator.nullsLast(values));
    }
    return order;
  }

  public static List<Map<String, Object>> project(List<Map<String, Object>> out, List<String> returned) {
    for (Map<String, Object> row : out) {
      row.keySet().removeIf(k -> !k.equals(Store.SCORE) && !returned.contains(k));
    }
    return out;
  }
}
