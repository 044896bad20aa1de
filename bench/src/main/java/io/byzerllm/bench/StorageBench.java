package io.byzerllm.bench;

import io.byzerllm.storage.DataType;
import io.byzerllm.storage.FieldOption;
import io.byzerllm.storage.FieldSpec;
import io.byzerllm.storage.Filter;
import io.byzerllm.storage.ElasticsearchConfig;
import io.byzerllm.storage.ElasticsearchStore;
import io.byzerllm.storage.LuceneStore;
import io.byzerllm.storage.Store;
import io.byzerllm.storage.SearchQuery;
import io.byzerllm.storage.StoreStatus;
import io.byzerllm.storage.TableRef;
import io.byzerllm.storage.TableSchema;
import io.byzerllm.storage.internal.LuceneTable;
import io.byzerllm.testkit.LowRankVectors;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;

/**
 * A store on its own (no node, no HTTP, no embedding), the embedded Lucene store or Elasticsearch: ingest documents/s, then query latency p50/p99 for
 * vector, text, hybrid and filtered-vector (1% and 10% filters) searches with limit 10, recall@10 of the vector search
 * against exact cosine, and the index size on disk. Vectors are synthetic, 16 latent dimensions plus noise
 * ({@link LowRankVectors}); text is 12 words drawn from a 400-word Chinese/English vocabulary.
 *
 * <p>{@code java -Xmx3g -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.byzerllm.bench.StorageBench
 * [--docs 100000] [--dims 512] [--queries 300] [--batch 1000] [--backend lucene|elasticsearch --es_url URL]}.
 * On Elasticsearch the CPU column is this client's thread only (the engine's work is in the wall time).
 */
public final class StorageBench {
  private static final TableRef TABLE = new TableRef("bench", "docs");

  public static void main(String[] args) throws Exception {
    Map<String, String> o = BenchSupport.options(args);
    int docs = Integer.parseInt(o.getOrDefault("docs", "100000"));
    int dims = Integer.parseInt(o.getOrDefault("dims", "512"));
    int queries = Integer.parseInt(o.getOrDefault("queries", "300"));
    int batch = Integer.parseInt(o.getOrDefault("batch", "1000"));
    System.out.println("command: " + BenchSupport.commandLine(StorageBench.class, args));
    System.out.println("machine: " + BenchSupport.machine() + ", load average " + BenchSupport.loadAverage());

    var gen = new LowRankVectors(dims, 16, 0.1f, 7);
    var words = vocabulary();
    var random = new Random(11);
    float[][] vectors = new float[docs][];
    Path dir = Files.createTempDirectory("storage-bench");
    String backend = o.getOrDefault("backend", "lucene");
    System.out.println("backend: " + backend);
    try (Store store = backend.equals("elasticsearch")
        ? ElasticsearchStore.connect("bench", ElasticsearchConfig.of(o.get("es_url")))
        : LuceneStore.open("bench", dir)) {
      store.drop(TABLE); // a table left by an earlier run on the same cluster
      store.createTable(TABLE, TableSchema.of(FieldSpec.of("_id", DataType.LONG), FieldSpec.of("content", DataType.STRING, FieldOption.ANALYZE),
          FieldSpec.of("bucket", DataType.LONG), FieldSpec.of("n", DataType.LONG, FieldOption.SORT), FieldSpec.vector("vector")));

      long cpu0 = BenchSupport.processCpuNanos();
      long t0 = System.nanoTime();
      for (int from = 0; from < docs; from += batch) {
        var rows = new ArrayList<Map<String, Object>>(batch);
        for (int i = from; i < Math.min(docs, from + batch); i++) {
          vectors[i] = gen.next();
          var row = new HashMap<String, Object>();
          row.put("_id", i);
          row.put("content", sentence(words, random, 12));
          row.put("bucket", i % 100);
          row.put("n", i);
          row.put("vector", vectors[i]);
          rows.add(row);
        }
        store.write(TABLE, rows);
      }
      long written = System.nanoTime();
      store.commit(TABLE);
      long committed = System.nanoTime();
      long cpu = BenchSupport.processCpuNanos() - cpu0;
      System.out.printf("ingest: %d docs x %d dims in %.1f s (+ commit %.1f s): %.0f docs/s written, %.0f docs/s including the commit; CPU %.1f s%n",
          docs, dims, (written - t0) / 1e9, (committed - written) / 1e9, docs / ((written - t0) / 1e9),
          docs / ((committed - t0) / 1e9), cpu / 1e9);
      List<float[]> qv = new ArrayList<>();
      List<String> qt = new ArrayList<>();
      for (int i = 0; i < queries; i++) {
        qv.add(gen.next());
        qt.add(sentence(words, random, 2));
      }
      run(store, "vector", queries, i -> SearchQuery.all(10).withVector(qv.get(i), "vector"));
      run(store, "text", queries, i -> SearchQuery.all(10).withKeyword(qt.get(i)));
      run(store, "hybrid", queries, i -> SearchQuery.all(10).withKeyword(qt.get(i)).withVector(qv.get(i), "vector"));
      run(store, "vector, 1% filter", queries, i -> SearchQuery.all(10).withVector(qv.get(i), "vector").withFilter(Filter.eq("bucket", i % 100)));
      run(store, "vector, 10% filter", queries, i -> SearchQuery.all(10).withVector(qv.get(i), "vector").withFilter(Filter.range("bucket", 0, 9)));

      int recallQueries = Math.min(50, queries);
      int found = 0;
      for (int q = 0; q < recallQueries; q++) {
        float[] v = qv.get(q);
        var hits = new HashSet<Object>();
        store.search(TABLE, SearchQuery.all(10).withVector(v, "vector").withSelect("_id")).forEach(r -> hits.add(r.get("_id")));
        for (long id : exactTop10(vectors, v)) {
          found += hits.contains(id) ? 1 : 0;
        }
      }
      System.out.printf("recall@10 (vector, %d queries, exact cosine as truth): %.3f%n", recallQueries, found / (10.0 * recallQueries));
      StoreStatus s = store.status();
      System.out.printf("index on disk: %.1f MiB for %d documents (%.0f bytes/doc; raw float vectors alone: %d bytes/doc)%n",
          s.bytesOnDisk() / 1048576.0, s.documents(), (double) s.bytesOnDisk() / s.documents(), dims * 4);
      try (var files = store instanceof LuceneStore ? Files.walk(dir) : java.util.stream.Stream.<Path>empty()) {
        // one .vem (HNSW metadata) file per segment that holds vectors: a query searches each segment's graph
        long segments = files.filter(f -> f.toString().endsWith(".vem")).count();
        if (store instanceof LuceneStore) {
          System.out.println("segments with vectors: " + segments);
        }
      }
      System.out.println("load average at end " + BenchSupport.loadAverage());
      if (store instanceof ElasticsearchStore) {
        store.drop(TABLE);
      }
    } finally {
      LuceneTable.deleteRecursively(dir);
    }
  }

  private static void run(Store store, String name, int queries, IntFunction<SearchQuery> query) {
    for (int i = 0; i < Math.min(50, queries); i++) {
      store.search(TABLE, query.apply(i)); // warm-up
    }
    var wall = new Histogram(60_000_000L, 3);
    var cpu = new Histogram(60_000_000L, 3);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < queries; i++) {
      SearchQuery q = query.apply(i);
      long c = threads.getCurrentThreadCpuTime();
      long t = System.nanoTime();
      store.search(TABLE, q);
      wall.recordValue((System.nanoTime() - t) / 1000);
      cpu.recordValue(Math.max(0, threads.getCurrentThreadCpuTime() - c) / 1000);
    }
    // On shared cores wall time includes waiting for a core; the thread's CPU time is what the query itself cost.
    System.out.printf("%-20s wall p50 %7.2f ms p99 %7.2f ms | CPU p50 %6.2f ms p99 %6.2f ms  (%d queries, limit 10)%n", name,
        wall.getValueAtPercentile(50) / 1000.0, wall.getValueAtPercentile(99) / 1000.0,
        cpu.getValueAtPercentile(50) / 1000.0, cpu.getValueAtPercentile(99) / 1000.0, queries);
  }

  private static long[] exactTop10(float[][] vectors, float[] q) {
    double[] score = new double[vectors.length];
    for (int i = 0; i < vectors.length; i++) {
      score[i] = LowRankVectors.cosine(q, vectors[i]);
    }
    return IntStream.range(0, vectors.length).boxed()
        .sorted((a, b) -> Double.compare(score[b], score[a]))
        .limit(10).mapToLong(Integer::longValue).toArray();
  }

  /** 200 two-character Chinese words and 200 English words, fixed. */
  private static List<String> vocabulary() {
    String chars = "数据模型向量检索文本语义中文英文系统服务集群节点存储索引查询结果排序过滤字段分词算法学习训练推理部署应用"
        + "网络安全性能测试代码开发用户接口配置文件目录时间空间";
    var r = new Random(3);
    var out = new ArrayList<String>();
    for (int i = 0; i < 200; i++) {
      out.add("" + chars.charAt(r.nextInt(chars.length())) + chars.charAt(r.nextInt(chars.length())));
      out.add("word" + i);
    }
    return out;
  }

  private static String sentence(List<String> words, Random r, int n) {
    var sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(words.get(r.nextInt(words.size()))).append(' ');
    }
    return sb.toString().trim();
  }
}
