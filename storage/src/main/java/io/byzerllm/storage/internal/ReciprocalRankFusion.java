package io.byzerllm.storage.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines rankings by rank, never by raw score (BM25 and cosine are not on one scale): a key scores
 * {@code sum over lists of 1 / (k + rank)} with 0-based ranks, as Byzer Retrieval does. With k = 60 a key first in
 * both lists scores 2/60 and a key second in one list only scores 1/61.
 */
public final class ReciprocalRankFusion {
  public static final int K = 60;

  private ReciprocalRankFusion() {}

  public record Fused<T>(T key, double score) {}

  /** Keys by fused score, highest first; equal scores keep the order in which keys first appear. */
  public static <T> List<Fused<T>> fuse(List<List<T>> rankings) {
    Map<T, Double> scores = new LinkedHashMap<>();
    for (List<T> ranking : rankings) {
      for (int rank = 0; rank < ranking.size(); rank++) {
        scores.merge(ranking.get(rank), 1.0 / (K + rank), Double::sum);
      }
    }
    var out = new ArrayList<Fused<T>>(scores.size());
    scores.forEach((key, score) -> out.add(new Fused<>(key, score)));
    out.sort(Comparator.comparingDouble((Fused<T> f) -> f.score()).reversed());
    return out;
  }
}
