package io.byzerllm.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** What {@link BgeNodeBench} prints: each case as it ends, then one table of every case's best round and the ratios. */
final class BgeResultTables {
  private BgeResultTables() {}

  static BgeCaseResult report(BgeCaseResult r) {
    System.out.printf(Locale.ROOT, "  %-10s %-3s %2d client(s) x %2d sentence(s): %7.1f sentences/s  p50 %8.2f ms  "
        + "p99 %8.2f ms  %5.1f sentences/pass  %6.2f CPU ms/sentence  JIT %s  errors %s%n", r.path(), r.batching(),
        r.clients(), r.perCall(), r.sentencesPerSecond(), ms(r.latency(), 50), ms(r.latency(), 99), r.sentencesPerPass(),
        r.cpuMillisPerSentence(), r.jitMillis() < 0 ? "-" : r.jitMillis() + " ms", r.errors());
    if (r.sentences() > 0) {
      r.cpuNanosByThread().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
          .forEach(e -> System.out.printf(Locale.ROOT, "      CPU %6.2f ms/sentence  %s%n",
              e.getValue() / 1e6 / r.sentences(), e.getKey()));
    }
    return r;
  }

  /**
   * One row per case: the round with the most sentences/s (the other processes on the machine slow
   * every round by a different amount), the sentences/s of each round, and the errors of all rounds.
   */
  static void print(List<BgeCaseResult> all, int clients) {
    Map<String, List<BgeCaseResult>> byCase = new LinkedHashMap<>();
    all.forEach(r -> byCase.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r));
    List<BgeCaseResult> results = byCase.values().stream()
        .map(rs -> rs.stream().max(Comparator.comparingDouble(BgeCaseResult::sentencesPerSecond)).orElseThrow()).toList();
    System.out.printf("%n| engine | path | batching | clients | sentences/call | sentences/s | each round | p50 ms | p99 ms "
        + "| sentences/pass | CPU ms/sentence | errors | / in-process best | CPU: in-process least / this |%n");
    System.out.printf("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|%n");
    for (BgeCaseResult r : results) {
      List<BgeCaseResult> rounds = byCase.get(r.key());
      Map<String, Long> errors = new TreeMap<>();
      rounds.forEach(o -> o.errors().forEach((k, v) -> errors.merge(k, v, Long::sum)));
      String each = String.join(" / ", rounds.stream()
          .map(o -> String.format(Locale.ROOT, "%.1f", o.sentencesPerSecond())).toList());
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %d | %d | %.1f | %s | %.2f | %.2f | %.1f | %.2f | %s | %.2f | %.2f |%n",
          r.engine(), r.path(), r.batching(), r.clients(), r.perCall(), r.sentencesPerSecond(), each,
          ms(r.latency(), 50), ms(r.latency(), 99), r.sentencesPerPass(), r.cpuMillisPerSentence(),
          errors.isEmpty() ? "0" : errors.toString(), r.sentencesPerSecond() / bestInProcess(results, r.engine()),
          leastCpuInProcess(results, r.engine()) / r.cpuMillisPerSentence());
    }
    System.out.println();
    for (BgeCaseResult r : results) {
      if (r.path().equals("node HTTP") && r.clients() == clients) {
        double best = bestInProcess(results, r.engine());
        double least = leastCpuInProcess(results, r.engine());
        double ratio = r.sentencesPerSecond() / best;
        System.out.printf(Locale.ROOT, "%s, node, %d clients, batching %s: %.1f of %.1f sentences/s in-process best "
            + "= %.1f%% (aim: at least 90%%): %s; CPU per sentence %.2f ms vs %.2f ms in-process (%.0f%%)%n",
            r.engine(), clients, r.batching(), r.sentencesPerSecond(), best, ratio * 100, ratio >= 0.9 ? "met" : "NOT met",
            r.cpuMillisPerSentence(), least, 100 * least / r.cpuMillisPerSentence());
      }
    }
  }

  /**
   * The aims against LangChain4j: through the node at {@code clients} clients at least 1.5 times its
   * {@code clients}-thread throughput; 1 client's p50 within 1 ms of its one-thread p50.
   */
  static void printAgainstLangChain4j(List<BgeCaseResult> all, int clients) {
    for (int n : List.of(clients, 1)) {
      BgeCaseResult lc4j = best(all, BgeNodeBench.LANGCHAIN4J, n);
      for (BgeCaseResult node : all.stream().filter(r -> r.path().equals("node HTTP") && r.clients() == n)
          .map(r -> best(all, r.path(), r.batching(), n)).distinct().toList()) {
        if (lc4j == null) {
          continue;
        }
        System.out.printf(Locale.ROOT, "node (batching %s) vs LangChain4j, %d client(s): %.1f vs %.1f sentences/s = "
            + "%.2fx; p50 %.2f vs %.2f ms (%+.2f ms); CPU/sentence %.2f vs %.2f ms%n", node.batching(), n,
            node.sentencesPerSecond(), lc4j.sentencesPerSecond(), node.sentencesPerSecond() / lc4j.sentencesPerSecond(),
            ms(node.latency(), 50), ms(lc4j.latency(), 50), ms(node.latency(), 50) - ms(lc4j.latency(), 50),
            node.cpuMillisPerSentence(), lc4j.cpuMillisPerSentence());
      }
    }
  }

  static BgeCaseResult best(List<BgeCaseResult> all, String path, int clients) {
    return best(all, path, null, clients);
  }

  static BgeCaseResult best(List<BgeCaseResult> all, String path, String batching, int clients) {
    return all.stream().filter(r -> r.path().equals(path) && r.clients() == clients
            && (batching == null || r.batching().equals(batching)))
        .max(Comparator.comparingDouble(BgeCaseResult::sentencesPerSecond)).orElse(null);
  }

  static double bestInProcess(List<BgeCaseResult> results, String engine) {
    return results.stream().filter(r -> r.engine().equals(engine) && !r.path().equals("node HTTP"))
        .mapToDouble(BgeCaseResult::sentencesPerSecond).max().orElse(Double.NaN);
  }

  static double leastCpuInProcess(List<BgeCaseResult> results, String engine) {
    return results.stream().filter(r -> r.engine().equals(engine) && !r.path().equals("node HTTP"))
        .mapToDouble(BgeCaseResult::cpuMillisPerSentence).min().orElse(Double.NaN);
  }

  static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
