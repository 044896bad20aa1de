package io.byzerllm.storage;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.List;

/**
 * One search. The path follows from what is set: keyword only (BM25 over {@code searchFields}, all ANALYZE
 * fields when empty; "*" matches every row), vector only (cosine KNN, {@code _score = (1+cos)/2}), both (reciprocal
 * rank fusion, k = 60, 0-based ranks), neither (filter only, no {@code _score}). {@code filter} restricts every
 * path. {@code limit} caps the result globally. {@code sorts} order the result set: on the filter-only path they
 * choose which {@code limit} rows come back; on a search path relevance chooses the rows and the sorts order them.
 * {@code select} projects the returned fields ({@code _score} always comes with a search); empty returns every
 * stored field except vectors.
 */
public record SearchQuery(String keyword, List<String> searchFields, float[] vector, String vectorField,
                          Filter filter, List<SortSpec> sorts, List<String> select, int limit) {
  public static final int DEFAULT_LIMIT = 10;

  public SearchQuery {
    if (keyword != null && keyword.isBlank()) {
      keyword = null;
    }
    searchFields = searchFields == null ? List.of() : List.copyOf(searchFields);
    sorts = sorts == null ? List.of() : List.copyOf(sorts);
    select = select == null ? List.of() : List.copyOf(select);
    if ((vector == null) != (vectorField == null || vectorField.isBlank())) {
      throw new LlmException(ErrorKind.INVALID_REQUEST,
          vector == null ? "vector_field '" + vectorField + "' is set but the query has no vector"
              : "the query has a vector but no vector_field naming the field to search");
    }
    if (limit < 1) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "limit must be at least 1, got " + limit);
    }
  }

  /** A query that matches every row, with the given limit; add parts with the {@code with*} copies. */
  public static SearchQuery all(int limit) {
    return new SearchQuery(null, List.of(), null, null, null, List.of(), List.of(), limit);
  }

  public SearchQuery withKeyword(String keyword, String... fields) {
    return new SearchQuery(keyword, List.of(fields), vector, vectorField, filter, sorts, select, limit);
  }

  public SearchQuery withVector(float[] vector, String vectorField) {
    return new SearchQuery(keyword, searchFields, vector, vectorField, filter, sorts, select, limit);
  }

  public SearchQuery withFilter(Filter filter) {
    return new SearchQuery(keyword, searchFields, vector, vectorField, filter, sorts, select, limit);
  }

  public SearchQuery withSorts(SortSpec... sorts) {
    return new SearchQuery(keyword, searchFields, vector, vectorField, filter, List.of(sorts), select, limit);
  }

  public SearchQuery withSelect(String... select) {
    return new SearchQuery(keyword, searchFields, vector, vectorField, filter, sorts, List.of(select), limit);
  }

  public SearchQuery withLimit(int limit) {
    return new SearchQuery(keyword, searchFields, vector, vectorField, filter, sorts, select, limit);
  }

  public boolean hasKeyword() {
    return keyword != null;
  }

  public boolean hasVector() {
    return vector != null;
  }
}
