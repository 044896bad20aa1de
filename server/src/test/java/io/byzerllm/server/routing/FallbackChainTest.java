package io.byzerllm.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FallbackChainTest {
  private final List<String> called = new ArrayList<>();

  private CompletableFuture<String> start(List<String> chain, Map<String, Object> outcomes, List<String> unusable) {
    return new FallbackChain<String>(chain, m -> {
      called.add(m);
      Object o = outcomes.get(m);
      return o instanceof Throwable t ? CompletableFuture.failedFuture(t) : CompletableFuture.completedFuture((String) o);
    }, m -> !unusable.contains(m)).start();
  }

  private static LlmException fail(ErrorKind kind) {
    return new LlmException(kind, kind.name());
  }

  @Test
  void call_primaryUpstreamFails_firstFallbackServes() {
    CompletableFuture<String> r = start(List.of("a", "b", "c"), Map.of("a", fail(ErrorKind.UPSTREAM), "b", "from b", "c", "from c"),
        List.of());

    assertThat(r).isCompletedWithValue("from b");
    assertThat(called).containsExactly("a", "b");
  }

  @Test
  void call_primaryOverloadedAndFirstFallbackNotDeployed_secondFallbackServes() {
    CompletableFuture<String> r = start(List.of("a", "b", "c"),
        Map.of("a", fail(ErrorKind.OVERLOADED), "b", fail(ErrorKind.MODEL_NOT_FOUND), "c", "from c"), List.of());

    assertThat(r).isCompletedWithValue("from c");
  }

  @Test
  void call_primaryRefusesTheRequestItself_noFallbackTried() {
    CompletableFuture<String> r = start(List.of("a", "b"), Map.of("a", fail(ErrorKind.INVALID_REQUEST), "b", "from b"),
        List.of());

    assertThat(r).isCompletedExceptionally();
    assertThat(r.handle((v, e) -> ((LlmException) e).kind()).join()).isEqualTo(ErrorKind.INVALID_REQUEST);
    assertThat(called).containsExactly("a");
  }

  @Test
  void call_everyModelFails_callerGetsThePrimarysFailure() {
    CompletableFuture<String> r = start(List.of("a", "b"),
        Map.of("a", fail(ErrorKind.UNAVAILABLE), "b", fail(ErrorKind.UPSTREAM_TIMEOUT)), List.of());

    assertThat(r.handle((v, e) -> ((LlmException) e).kind()).join()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(called).containsExactly("a", "b");
  }

  @Test
  void call_fallbackThatCannotTakeThisCall_skipped() {
    CompletableFuture<String> r = start(List.of("a", "b", "c"), Map.of("a", fail(ErrorKind.UPSTREAM), "b", "from b", "c", "from c"),
        List.of("b"));

    assertThat(r).isCompletedWithValue("from c");
    assertThat(called).containsExactly("a", "c");
  }

  @Test
  void cancel_whileFallbackRuns_cancelsIt() {
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletableFuture<String> r = new FallbackChain<String>(List.of("a", "b"),
        m -> m.equals("a") ? CompletableFuture.failedFuture(fail(ErrorKind.UPSTREAM)) : pending, m -> true).start();

    r.cancel(true);

    assertThat(pending).isCancelled();
  }
}
