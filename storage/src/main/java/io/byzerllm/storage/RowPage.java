package io.byzerllm.storage;

import java.util.List;
import java.util.Map;

/** A page of {@link Store#export}: its rows, and the cursor of the next page (null: no more rows). */
public record RowPage(List<Map<String, Object>> rows, String next) {
  public RowPage {
    rows = List.copyOf(rows);
  }
}
