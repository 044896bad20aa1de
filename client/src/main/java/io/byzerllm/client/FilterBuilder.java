package io.byzerllm.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An {@code and} or {@code or} group of conditions, byzerllm's {@code and_filter()}/{@code or_filter()};
 * groups nest ({@link #andFilter()}, {@link #orFilter()}) and {@link #build()} returns to the enclosing
 * builder. A filter always filters: with a keyword or a vector, only rows matching both come back.
 *
 * <pre>{@code
 * query.andFilter().addCondition("tag", "a")
 *        .orFilter().addRange("n", 1, 10).addCondition("pinned", true).build()
 *      .build()
 * }</pre>
 *
 * @param <P> what {@link #build()} returns to: a {@link QueryBuilder} or an enclosing filter
 */
public final class FilterBuilder<P> {
  private final String operator;
  private final Function<Map<String, Object>, P> onBuild;
  private final List<Map<String, Object>> conditions = new ArrayList<>();

  FilterBuilder(String operator, Function<Map<String, Object>, P> onBuild) {
    this.operator = operator;
    this.onBuild = onBuild;
  }

  /** Rows whose {@code field} equals {@code value} (a string, number or boolean). */
  public FilterBuilder<P> addCondition(String field, Object value) {
    requireField(field);
    if (value == null) {
      throw new IllegalArgumentException("addCondition(\"" + field + "\", null): the value is null; pass the value to match");
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("field", field);
    c.put("value", value);
    conditions.add(c);
    return this;
  }

  /** Rows whose {@code field} lies in {@code [min, max]}, both inclusive; null leaves that end open. */
  public FilterBuilder<P> addRange(String field, Object min, Object max) {
    requireField(field);
    if (min == null && max == null) {
      throw new IllegalArgumentException("addRange(\"" + field + "\", null, null): give at least one of min and max");
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("field", field);
    c.put("min", min);
    c.put("max", max);
    conditions.add(c);
    return this;
  }

  /** A nested group whose conditions must all hold; its {@code build()} returns here. */
  public FilterBuilder<FilterBuilder<P>> andFilter() {
    return new FilterBuilder<>("and", this::nest);
  }

  /** A nested group of which one condition must hold; its {@code build()} returns here. */
  public FilterBuilder<FilterBuilder<P>> orFilter() {
    return new FilterBuilder<>("or", this::nest);
  }

  /** Ends this group and returns to the enclosing builder. */
  public P build() {
    if (conditions.isEmpty()) {
      throw new IllegalArgumentException(operator + "Filter() has no condition; add one with addCondition or addRange");
    }
    return onBuild.apply(Map.of(operator, List.copyOf(conditions)));
  }

  private FilterBuilder<P> nest(Map<String, Object> group) {
    conditions.add(group);
    return this;
  }

  private static void requireField(String field) {
    if (field == null || field.isBlank()) {
      throw new IllegalArgumentException("a filter's field name is empty; name the field to filter on");
    }
  }
}
