package io.byzerllm.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A fresh, empty store per test, of either backend: what the contract suites run against. */
interface StoreFixture {
  Store store();

  /** Closes the store and opens it again on the same data. */
  Store reopen();

  /** Every row of a table (filter-only path), up to 10,000. */
  default List<Map<String, Object>> all(TableRef t) {
    return store().search(t, SearchQuery.all(10_000));
  }

  static List<Object> ids(List<Map<String, Object>> rows) {
    var out = new ArrayList<Object>();
    rows.forEach(r -> out.add(r.get("_id")));
    return out;
  }
}
