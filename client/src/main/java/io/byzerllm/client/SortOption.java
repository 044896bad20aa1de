package io.byzerllm.client;

import java.util.Locale;

/** The order of {@link QueryBuilder#sort}, byzerllm's {@code SortOption}. */
public enum SortOption {
  ASC, DESC;

  /** The name on the wire: {@code "asc"} or {@code "desc"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
