package io.byzerllm.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LuceneStoreConcurrencyTest {
  private static final int WRITERS = 8;
  private static final int READERS = 4;
  private static final int IDS_PER_WRITER = 50;
  private static final int ROUNDS = 40;

  @RegisterExtension final TempStore temp = new TempStore();
  private final TableRef t = new TableRef("db", "busy");

  /**
   * Writer w owns ids w, w+8, w+16, ... and writes them in rounds (value = round), so every id has one well-defined
   * last value; batches interleave across writers. A committer commits whenever a writer asks (every few batches).
   */
  @Test
  void writersReadersAndCommitter_everyIdEndsWithItsLastValue() throws Exception {
    temp.store().createTable(t, TableSchema.of(FieldSpec.of("_id", DataType.LONG), FieldSpec.of("round", DataType.LONG, FieldOption.SORT),
        FieldSpec.of("text", DataType.STRING, FieldOption.ANALYZE), FieldSpec.vector("v")));
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS + 1);
    var writersDone = new AtomicBoolean();
    var commitRequests = new LinkedBlockingQueue<Integer>();
    var commits = new AtomicInteger();
    var searches = new AtomicInteger();
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          for (int round = 0; round < ROUNDS; round++) {
            var batch = new ArrayList<Map<String, Object>>();
            for (int k = 0; k < IDS_PER_WRITER; k++) {
              long id = writer + (long) k * WRITERS;
              var row = new HashMap<String, Object>();
              row.put("_id", id);
              row.put("round", round);
              row.put("text", "row " + id + " round " + round);
              row.put("v", new float[] {1 + id, round + 1, 1});
              batch.add(row);
            }
            temp.store().write(t, batch);
            if (round % 5 == 4) {
              commitRequests.add(writer);
            }
          }
          return null;
        }));
      }
      Future<?> committer = pool.submit(() -> {
        while (!writersDone.get() || !commitRequests.isEmpty()) {
          if (commitRequests.poll(100, TimeUnit.MILLISECONDS) != null) {
            temp.store().commit(t);
            commits.incrementAndGet();
          }
        }
        return null;
      });
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        int reader = r;
        readers.add(pool.submit(() -> {
          while (!writersDone.get()) {
            SearchQuery q = switch (reader) {
              case 0 -> SearchQuery.all(20).withFilter(Filter.range("round", 0, ROUNDS)).withSorts(new SortSpec("round", SortOrder.DESC));
              case 1 -> SearchQuery.all(20).withKeyword("round");
              case 2 -> SearchQuery.all(20).withVector(new float[] {3, 1, 1}, "v");
              default -> SearchQuery.all(20).withKeyword("row").withVector(new float[] {1, 1, 1}, "v");
            };
            for (Map<String, Object> row : temp.store().search(t, q)) {
              assertThat((Long) row.get("round")).isBetween(0L, (long) ROUNDS - 1);
            }
            searches.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> w : writers) {
        w.get(90, TimeUnit.SECONDS);
      }
      writersDone.set(true);
      committer.get(30, TimeUnit.SECONDS);
      for (Future<?> r : readers) {
        r.get(30, TimeUnit.SECONDS);
      }
    } finally {
      writersDone.set(true);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(commits.get()).isPositive();
    assertThat(searches.get()).isPositive();

    temp.store().commit(t);
    assertEveryIdHasLastRound(temp.store());
    assertEveryIdHasLastRound(temp.reopen());
  }

  private void assertEveryIdHasLastRound(Store store) {
    List<Map<String, Object>> all = store.search(t, SearchQuery.all(10_000));
    assertThat(all).hasSize(WRITERS * IDS_PER_WRITER);
    assertThat(all).allSatisfy(r -> assertThat(r).containsEntry("round", (long) ROUNDS - 1));
  }
}
