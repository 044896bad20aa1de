package io.byzerllm.storage.internal;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.storage.FieldOption;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.storage.Filter;
import io.byzerllm.storage.TableSchema;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.FloatPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;

/**
 * Turns a {@link Filter} into a non-scoring Lucene query. Callers add it as a FILTER clause (or a KNN pre-filter), so a
 * filter only ever removes rows: unlike byzerllm it never turns the keyword into an optional clause, and an
 * {@code and} nested in an {@code or} stays an {@code and}.
 */
public final class FilterQueries {
  private final TableSchema schema;

  public FilterQueries(TableSchema schema) {
    this.schema = schema;
  }

  /** The filter as a constant-score query; null stays null (no filter). */
  public Query toQuery(Filter filter) {
    return filter == null ? null : new ConstantScoreQuery(query(filter));
  }

  private Query query(Filter filter) {
    if (filter instanceof Filter.And and) {
      if (and.all().isEmpty()) {
        return new MatchAllDocsQuery();
      }
      var b = new BooleanQuery.Builder();
      and.all().forEach(f -> b.add(query(f), Occur.FILTER));
      return b.build();
    }
    if (filter instanceof Filter.Or or) {
      if (or.any().isEmpty()) {
        return new MatchNoDocsQuery("empty or");
      }
      var b = new BooleanQuery.Builder().setMinimumNumberShouldMatch(1);
      or.any().forEach(f -> b.add(query(f), Occur.SHOULD));
      return b.build();
    }
    if (filter instanceof Filter.Equals eq) {
      return equalsQuery(filterable(eq.field()), eq.value());
    }
    var r = (Filter.Range) filter; // the interface is sealed: And, Or, Equals, Range
    return rangeQuery(filterable(r.field()), r.min(), r.max());
  }

  /** The field a filter names, checked: in the schema, not a vector, indexed, not analyzed. */
  public FieldSpec filterable(String name) {
    FieldSpec f = schema.field(name).orElseThrow(() -> new LlmException(ErrorKind.INVALID_REQUEST,
        "filter field '" + name + "' is not in the table's schema; fields: " + schema.fields().stream().map(FieldSpec::name).toList()));
    if (f.isVector()) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "filter field '" + name + "' is a vector; vectors cannot be filtered");
    }
    if (f.has(FieldOption.NO_INDEX)) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "filter field '" + name
          + "' has the no_index option, so it cannot be filtered; create the table without no_index on it");
    }
    if (f.has(FieldOption.ANALYZE)) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "filter field '" + name
          + "' is analyzed full text; search it with a keyword, or filter on a plain string field");
    }
    return f;
  }

  private static Query equalsQuery(FieldSpec f, Object value) {
    String where = "filter on field '" + f.name() + "'";
    return switch (f.type()) {
      case STRING -> new TermQuery(new Term(f.name(), Values.string(value, where)));
      case LONG -> LongPoint.newExactQuery(f.name(), Values.whole(value, where));
      case FLOAT -> FloatPoint.newExactQuery(f.name(), Values.finiteFloat(value, where));
      case DOUBLE -> DoublePoint.newExactQuery(f.name(), Values.finiteDouble(value, where));
      case BOOLEAN -> LongPoint.newExactQuery(f.name(), Values.bool(value, where) ? 1 : 0);
    };
  }

  private static Query rangeQuery(FieldSpec f, Object min, Object max) {
    String where = "range filter on field '" + f.name() + "'";
    return switch (f.type()) {
      case STRING -> TermRangeQuery.newStringRange(f.name(),
          min == null ? null : Values.string(min, where), max == null ? null : Values.string(max, where), true, true);
      case LONG -> LongPoint.newRangeQuery(f.name(),
          min == null ? Long.MIN_VALUE : Values.whole(min, where), max == null ? Long.MAX_VALUE : Values.whole(max, where));
      case FLOAT -> FloatPoint.newRangeQuery(f.name(),
          min == null ? Float.NEGATIVE_INFINITY : Values.finiteFloat(min, where),
          max == null ? Float.POSITIVE_INFINITY : Values.finiteFloat(max, where));
      case DOUBLE -> DoublePoint.newRangeQuery(f.name(),
          min == null ? Double.NEGATIVE_INFINITY : Values.finiteDouble(min, where),
          max == null ? Double.POSITIVE_INFINITY : Values.finiteDouble(max, where));
      case BOOLEAN -> throw new LlmException(ErrorKind.INVALID_REQUEST,
          where + ": booleans have no range; filter with a value (true or false)");
    };
  }
}
