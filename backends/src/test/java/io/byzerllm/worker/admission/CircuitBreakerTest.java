package io.byzerllm.worker.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CircuitBreakerTest {
  private final AtomicLong clock = new AtomicLong();
  private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), clock::get);

  private static Throwable upstream() {
    return new CompletionException(new LlmException(ErrorKind.UPSTREAM, "502 from the provider"));
  }

  @Test
  void record_thresholdUpstreamFailuresInARow_opensAndRefuses() {
    breaker.record(upstream());
    breaker.record(upstream());
    assertThat(breaker.tryPass()).isTrue();
    breaker.record(upstream());

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryPass()).isFalse();
    assertThat(breaker.remainingCooldown()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void record_successBetweenFailures_countStartsAgain() {
    breaker.record(upstream());
    breaker.record(upstream());
    breaker.record(null);
    breaker.record(upstream());
    breaker.record(upstream());

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void record_callersOwnErrors_countAsTheUpstreamAnswering() {
    breaker.record(upstream());
    breaker.record(upstream());
    breaker.record(new LlmException(ErrorKind.INVALID_REQUEST, "400"));
    breaker.record(upstream());

    assertThat(breaker.failuresInARow()).isEqualTo(1);
  }

  @Test
  void tryPass_afterCooldown_halfOpenThenSuccessCloses() {
    for (int i = 0; i < 3; i++) {
      breaker.record(upstream());
    }
    clock.addAndGet(Duration.ofSeconds(10).toNanos());

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breaker.tryPass()).isTrue();
    breaker.record(null);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void tryPass_halfOpenCallFails_opensForAnotherCooldown() {
    for (int i = 0; i < 3; i++) {
      breaker.record(upstream());
    }
    clock.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(breaker.tryPass()).isTrue();

    breaker.record(upstream());

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryPass()).isFalse();
  }

  @Test
  void record_thresholdZero_neverOpens() {
    CircuitBreaker off = new CircuitBreaker(0, Duration.ofSeconds(10), clock::get);
    for (int i = 0; i < 10; i++) {
      off.record(upstream());
    }

    assertThat(off.tryPass()).isTrue();
  }
}
