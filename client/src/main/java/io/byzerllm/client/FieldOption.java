package io.byzerllm.client;

import java.util.Locale;

/**
 * How a {@link ByzerStorage} field is indexed, byzerllm's {@code FieldOption}; unlike byzerllm, a field
 * may have several and an {@link #ANALYZE} field is also returned.
 * <ul>
 *   <li>{@link #ANALYZE}: full-text searched (BM25, Chinese-aware);</li>
 *   <li>{@link #SORT}: usable in {@link QueryBuilder#sort};</li>
 *   <li>{@link #NO_INDEX}: stored and returned only, neither searched nor filtered.</li>
 * </ul>
 */
public enum FieldOption {
  ANALYZE, SORT, NO_INDEX;

  /** The name on the wire: {@code "analyze"}, {@code "sort"}, {@code "no_index"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
