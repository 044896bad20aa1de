package io.byzerllm.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/** One case of {@link BgeNodeBench} measured: a path (in-process, LangChain4j, node HTTP), its clients, and what it cost. */
record BgeCaseResult(String engine, String path, String batching, int clients, int perCall, long sentences,
    long passes, Map<String, Long> errors, double seconds, double cpuSeconds, Histogram latency,
    long jitMillis, Map<String, Long> cpuNanosByThread) {
  String key() {
    return engine + "|" + path + "|" + batching + "|" + clients + "|" + perCall;
  }

  double sentencesPerSecond() {
    return sentences / seconds;
  }

  double sentencesPerPass() {
    return passes <= 0 ? Double.NaN : (double) sentences / passes;
  }

  double cpuMillisPerSentence() {
    return sentences == 0 ? Double.NaN : cpuSeconds * 1000 / sentences;
  }
}
