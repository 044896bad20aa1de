package io.byzerllm.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.QueryBuilder;

/**
 * Compares the two Chinese-aware analyzers Lucene ships for the storage's ANALYZE fields: smartcn (HMM word
 * segmentation, English lowercased and Porter-stemmed) and CJK bigrams (every two adjacent CJK characters, English by
 * StandardTokenizer). For each query it prints where the relevant document ranks and how many irrelevant ones match
 * (false positives), then the totals. {@code java -cp ... io.byzerllm.bench.AnalyzerChoice}
 */
public final class AnalyzerChoice {
  private static final Map<String, String> DOCS = Map.ofEntries(
      Map.entry("hybrid", "向量数据库支持混合检索，把关键词检索和语义检索的结果融合在一起。"),
      Map.entry("deploy", "用一条命令把大语言模型部署到集群上，按名字调用模型。"),
      Map.entry("weather", "北京明天天气晴朗，最高气温二十五度。"),
      Map.entry("kimono", "她在京都穿着和服参加了茶道活动。"),
      Map.entry("republic", "共和国政务服务中心提供一站式办事。"),
      Map.entry("douyin", "字节跳动旗下的抖音是一款短视频应用。"),
      Map.entry("shoes", "These running shoes are light and comfortable for long distance runners."),
      Map.entry("lucene", "Lucene builds an inverted index for full-text search with BM25 ranking."),
      Map.entry("vectors", "The vector database stores embeddings and answers nearest neighbour queries."),
      Map.entry("mixed", "使用 Lucene 做全文检索，再用 HNSW 做向量检索。"),
      Map.entry("market", "上海证券交易所今天股市上涨。"),
      Map.entry("sea", "渔船在海上遇到了大风浪。"),
      Map.entry("waiter", "他总是和服务员聊天。"),
      Map.entry("origin", "科学家研究生命起源。"),
      Map.entry("graduate", "研究生院今年招收了三百名研究生。"));

  private record Probe(String query, String relevant) {}

  private static final List<Probe> PROBES = List.of(
      new Probe("混合检索", "hybrid"), new Probe("部署模型", "deploy"), new Probe("北京天气", "weather"),
      new Probe("和服", "kimono"), new Probe("抖音", "douyin"), new Probe("字节跳动", "douyin"),
      new Probe("上海股市", "market"), new Probe("海上", "sea"), new Probe("研究生", "graduate"),
      new Probe("服务员", "waiter"), new Probe("running shoe", "shoes"),
      new Probe("Rankings", "lucene"), new Probe("vector databases", "vectors"), new Probe("lucene 全文检索", "mixed"));

  public static void main(String[] args) throws IOException {
    for (Analyzer a : List.of(new SmartChineseAnalyzer(), new CJKAnalyzer())) {
      measure(a);
    }
  }

  private static void measure(Analyzer analyzer) throws IOException {
    var dir = new ByteBuffersDirectory();
    try (var w = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
      for (var e : DOCS.entrySet()) {
        var d = new Document();
        d.add(new StringField("id", e.getKey(), Field.Store.YES));
        d.add(new TextField("content", e.getValue(), Field.Store.NO));
        w.addDocument(d);
      }
    }
    int first = 0;
    int falsePositives = 0;
    System.out.println("== " + analyzer.getClass().getSimpleName());
    try (var reader = DirectoryReader.open(dir)) {
      var searcher = new IndexSearcher(reader);
      var qb = new QueryBuilder(analyzer);
      for (Probe p : PROBES) {
        Query q = qb.createBooleanQuery("content", p.query(), Occur.SHOULD);
        ScoreDoc[] hits = q == null ? new ScoreDoc[0] : searcher.search(q, 20).scoreDocs;
        int rank = -1;
        int wrong = 0;
        for (int i = 0; i < hits.length; i++) {
          String id = searcher.storedFields().document(hits[i].doc).get("id");
          if (id.equals(p.relevant())) {
            rank = i + 1;
          } else {
            wrong++;
          }
        }
        first += rank == 1 ? 1 : 0;
        falsePositives += wrong;
        System.out.printf("  %-18s relevant at %-4s false positives %d%n", p.query(), rank < 0 ? "miss" : "#" + rank, wrong);
      }
    }
    System.out.printf("  relevant first: %d/%d, false positives: %d%n", first, PROBES.size(), falsePositives);
  }
}
