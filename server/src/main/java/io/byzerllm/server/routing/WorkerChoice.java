package io.byzerllm.server.routing;

import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Which worker takes a call: the untried one with the least load (calls in flight and queued on a
 * local worker; calls this node has outstanding on a remote one, streams until they end). A local
 * worker wins a tie (no hop); among equals the scan starts at {@code start}, so equal workers share
 * the load.
 */
final class WorkerChoice {
  private WorkerChoice() {}

  static <L, R> Object pick(List<L> local, ToIntFunction<L> localLoad, List<R> remote, ToIntFunction<R> remoteLoad,
                            Set<Object> tried, int start) {
    L bestLocal = best(local, localLoad, tried, start);
    R bestRemote = best(remote, remoteLoad, tried, start);
    if (bestLocal == null) {
      return bestRemote;
    }
    if (bestRemote == null) {
      return bestLocal;
    }
    return localLoad.applyAsInt(bestLocal) <= remoteLoad.applyAsInt(bestRemote) ? bestLocal : bestRemote;
  }

  private static <T> T best(List<T> workers, ToIntFunction<T> load, Set<Object> tried, int start) {
    T best = null;
    int bestLoad = Integer.MAX_VALUE;
    int n = workers.size();
    for (int i = 0; i < n; i++) {
      T w = workers.get(Math.floorMod(start + i, n));
      if (tried.contains(w)) {
        continue;
      }
      int l = load.applyAsInt(w);
      if (l < bestLoad) {
        best = w;
        bestLoad = l;
      }
    }
    return best;
  }
}
