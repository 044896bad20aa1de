package io.byzerllm.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.storage.internal.LuceneTable;
import io.byzerllm.testkit.LowRankVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HNSW recall against exact cosine on 10,000 vectors of 512 dimensions. The vectors come from 16 latent dimensions
 * plus small noise ({@link LowRankVectors} says why: real embeddings have a low intrinsic dimension, uniform random
 * 512-d vectors are all nearly equidistant and make nearest neighbours meaningless). Real BGE embeddings are the
 * end-to-end test's business.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VectorRecallTest {
  private static final int DOCS = 10_000;
  private static final int QUERIES = 50;
  private static final TableRef T = new TableRef("db", "vectors");
  private static Path dir;
  private static LuceneStore store;
  private static final List<float[]> vectors = new ArrayList<>();
  private static final List<float[]> queries = new ArrayList<>();

  @BeforeAll
  static void index() throws Exception {
    dir = Files.createTempDirectory("byzer-recall");
    store = LuceneStore.open("recall", dir);
    store.createTable(T, TableSchema.of(FieldSpec.of("_id", DataType.LONG), FieldSpec.of("bucket", DataType.LONG),
        FieldSpec.vector("vector")));
    var gen = new LowRankVectors(512, 16, 0.1f, 42);
    var batch = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < DOCS; i++) {
      float[] v = gen.next();
      vectors.add(v);
      batch.add(Map.of("_id", i, "bucket", i % 100, "vector", v));
      if (batch.size() == 1000) {
        store.write(T, batch);
        batch.clear();
      }
    }
    store.commit(T);
    for (int i = 0; i < QUERIES; i++) {
      queries.add(gen.next());
    }
  }

  @AfterAll
  static void close() throws Exception {
    store.close();
    LuceneTable.deleteRecursively(dir);
  }

  private static List<Long> exactTop10(float[] q, IntPredicate keep) {
    return IntStream.range(0, DOCS).filter(keep).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -LowRankVectors.cosine(q, vectors.get(i))))
        .limit(10).map(Integer::longValue).toList();
  }

  private static double recall(Filter filter, IntPredicate keep) {
    int found = 0;
    for (float[] q : queries) {
      var hits = new HashSet<>(StoreFixture.ids(store.search(T, SearchQuery.all(10).withVector(q, "vector").withFilter(filter))));
      for (Long id : exactTop10(q, keep)) {
        found += hits.contains(id) ? 1 : 0;
      }
    }
    return found / (10.0 * QUERIES);
  }

  @Test
  void knn_10kVectors_recallAt10AtLeast95Percent() {
    double recall = recall(null, i -> true);
    System.out.println("recall@10 (10k x 512, no filter) = " + recall);
    assertThat(recall).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void knn_filterMatchingOnePercent_returnsOnlyMatchingRowsWithRecall() {
    Filter bucket7 = Filter.eq("bucket", 7);
    for (float[] q : queries.subList(0, 10)) {
      List<Map<String, Object>> rows = store.search(T, SearchQuery.all(10).withVector(q, "vector").withFilter(bucket7).withSelect("_id", "bucket"));
      assertThat(rows).hasSize(10).allSatisfy(r -> assertThat(r).containsEntry("bucket", 7L));
    }
    double recall = recall(bucket7, i -> i % 100 == 7);
    System.out.println("recall@10 (1% filter) = " + recall);
    assertThat(recall).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void knn_filterMatchingHalf_returnsOnlyMatchingRows() {
    Filter half = Filter.range("bucket", 0, 49);
    for (float[] q : queries.subList(0, 10)) {
      assertThat(store.search(T, SearchQuery.all(10).withVector(q, "vector").withFilter(half)))
          .hasSize(10).allSatisfy(r -> assertThat((Long) r.get("bucket")).isBetween(0L, 49L));
    }
  }
}
