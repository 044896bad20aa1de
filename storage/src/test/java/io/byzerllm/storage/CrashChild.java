package io.byzerllm.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link LuceneStoreCrashTest}. {@code write DIR N}: creates a table, writes and commits N rows,
 * prints COMMITTED, writes N more without committing, prints WROTE_MORE, then waits on stdin to be killed.
 * {@code open DIR}: tries to open the store, prints OPENED or the error (one line), and exits.
 */
public final class CrashChild {
  static final TableRef TABLE = new TableRef("crash", "docs");

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    if (args[0].equals("open")) {
      try (LuceneStore store = LuceneStore.open("second", dir)) {
        System.out.println("OPENED");
      } catch (RuntimeException e) {
        System.out.println("ERROR " + e.getMessage());
      }
      return;
    }
    int n = Integer.parseInt(args[2]);
    LuceneStore store = LuceneStore.open("crash", dir);
    store.createTable(TABLE, StoreSchemaContract.everyOption());
    store.write(TABLE, rows(0, n));
    store.commit(TABLE);
    System.out.println("COMMITTED");
    store.write(TABLE, rows(n, 2 * n));
    System.out.println("WROTE_MORE");
    System.out.flush();
    System.in.read(); // killed here
  }

  static List<Map<String, Object>> rows(int from, int to) {
    var out = new ArrayList<Map<String, Object>>();
    for (int i = from; i < to; i++) {
      out.add(Map.of("_id", "id-" + i, "n", i, "content", "文档 " + i, "vector", new float[] {1, i, 2}));
    }
    return out;
  }
}
