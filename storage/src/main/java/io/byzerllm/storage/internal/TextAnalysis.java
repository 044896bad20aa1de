package io.byzerllm.storage.internal;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;

/**
 * The analyzer of ANALYZE fields, for indexing and for keywords alike (byzerllm tokenizes with jieba on the client
 * and indexes with a case-sensitive whitespace analyzer; here the server does it all, case-insensitively).
 *
 * <p>Choice: measured by AnalyzerChoice in the bench module (see docs/benchmarks.md).
 */
public final class TextAnalysis {
  private TextAnalysis() {}

  public static Analyzer analyzer() {
    return new SmartChineseAnalyzer();
  }
}
