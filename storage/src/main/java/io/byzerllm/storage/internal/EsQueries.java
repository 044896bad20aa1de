package io.byzerllm.storage.internal;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOptions;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.json.JsonData;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.storage.Filter;
import io.byzerllm.storage.SearchQuery;
import io.byzerllm.storage.SortOrder;
import io.byzerllm.storage.SortSpec;
import io.byzerllm.storage.TableSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;

/**
 * {@link Filter}s and keywords as Elasticsearch queries, with the embedded store's checks and meaning: a filter is a
 * {@code filter} clause (never scores, never makes the keyword optional), an {@code and} nested in an {@code or}
 * stays an {@code and}, ranges are inclusive, an empty {@code and} matches every row and an empty {@code or} none.
 */
public final class EsQueries {
  private final FilterQueries checks;
  private final TableSearch paths;
  private final EsDocuments documents;

  public EsQueries(TableSchema schema, Analyzer analyzer, EsDocuments documents) {
    this.checks = new FilterQueries(schema);
    this.paths = new TableSearch(schema, analyzer);
    this.documents = documents;
  }

  public TableSearch paths() {
    return paths;
  }

  /** The filter as a non-scoring query; null stays null. */
  public Query filter(Filter filter) {
    return filter == null ? null : query(filter);
  }

  private Query query(Filter filter) {
    if (filter instanceof Filter.And and) {
      if (and.all().isEmpty()) {
        return Query.of(q -> q.matchAll(m -> m));
      }
      var clauses = new ArrayList<Query>();
      and.all().forEach(f -> clauses.add(query(f)));
      return Query.of(q -> q.bool(b -> b.filter(clauses)));
    }
    if (filter instanceof Filter.Or or) {
      if (or.any().isEmpty()) {
        return Query.of(q -> q.matchNone(m -> m));
      }
      var clauses = new ArrayList<Query>();
      or.any().forEach(f -> clauses.add(Query.of(q -> q.constantScore(c -> c.filter(query(f))))));
      return Query.of(q -> q.bool(b -> b.should(clauses).minimumShouldMatch("1")));
    }
    if (filter instanceof Filter.Equals eq) {
      FieldSpec f = checks.filterable(eq.field());
      FieldValue v = value(f, eq.value(), "filter on field '" + f.name() + "'");
      return Query.of(q -> q.term(t -> t.field(EsDocuments.indexField(f.name())).value(v)));
    }
    var r = (Filter.Range) filter; // the interface is sealed: And, Or, Equals, Range
    FieldSpec f = checks.filterable(r.field());
    String where = "range filter on field '" + f.name() + "'";
    JsonData min = r.min() == null ? null : bound(f, r.min(), where);
    JsonData max = r.max() == null ? null : bound(f, r.max(), where);
    return Query.of(q -> q.range(x -> x.untyped(u -> {
      u.field(EsDocuments.indexField(f.name()));
      if (min != null) {
        u.gte(min);
      }
      if (max != null) {
        u.lte(max);
      }
      return u;
    })));
  }

  private static FieldValue value(FieldSpec f, Object v, String where) {
    return switch (f.type()) {
      case STRING -> FieldValue.of(Values.string(v, where));
      case LONG -> FieldValue.of(Values.whole(v, where));
      case FLOAT -> FieldValue.of(Values.finiteFloat(v, where));
      case DOUBLE -> FieldValue.of(Values.finiteDouble(v, where));
      case BOOLEAN -> FieldValue.of(Values.bool(v, where));
    };
  }

  private static JsonData bound(FieldSpec f, Object v, String where) {
    return switch (f.type()) {
      case STRING -> JsonData.of(Values.string(v, where));
      case LONG -> JsonData.of(Values.whole(v, where));
      case FLOAT -> JsonData.of(Values.finiteFloat(v, where));
      case DOUBLE -> JsonData.of(Values.finiteDouble(v, where));
      case BOOLEAN -> throw new LlmException(ErrorKind.INVALID_REQUEST,
          where + ": booleans have no range; filter with a value (true or false)");
    };
  }

  /**
   * The keyword as the embedded store builds it: per searched field, the keyword's terms (tokenized here, see
   * {@link EsDocuments}) as optional clauses of the field's token field; the fields as optional clauses of a
   * required query; the filter beside it. "*" matches every row.
   */
  public Query keyword(SearchQuery q, Query filter) {
    Query keyword;
    if (q.keyword().equals("*")) {
      keyword = Query.of(x -> x.matchAll(m -> m));
    } else {
      var perField = new ArrayList<Query>();
      for (String name : paths.searchFields(q)) {
        List<String> terms = documents.tokens(name, q.keyword());
        if (!terms.isEmpty()) {
          String text = String.join(" ", terms);
          perField.add(Query.of(x -> x.match(m -> m.field(EsDocuments.TOKENS + name).query(text).operator(Operator.Or))));
        }
      }
      if (perField.isEmpty()) {
        return Query.of(x -> x.matchNone(m -> m));
      }
      keyword = Query.of(x -> x.bool(b -> b.should(perField).minimumShouldMatch("1")));
    }
    Query k = keyword;
    return Query.of(x -> x.bool(b -> {
      b.must(k);
      if (filter != null) {
        b.filter(filter);
      }
      return b;
    }));
  }

  /** Sorts for the filter-only path: missing values last in both orders, as in the embedded store. */
  public List<SortOptions> sorts(List<SortSpec> sorts) {
    var out = new ArrayList<SortOptions>();
    for (SortSpec s : sorts) {
      FieldSpec f = paths.sortable(s.field());
      var order = s.order() == SortOrder.DESC ? co.elastic.clients.elasticsearch._types.SortOrder.Desc
          : co.elastic.clients.elasticsearch._types.SortOrder.Asc;
      out.add(SortOptions.of(o -> o.field(x -> x.field(EsDocuments.indexField(f.name())).order(order).missing("_last"))));
    }
    out.add(SortOptions.of(o -> o.field(x -> x.field("_doc"))));
    return out;
  }
}
