package io.byzerllm.worker.saas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiRetryPolicyTest {

  @Test
  void delayBefore_noRetryAfter_backsOffExponentiallyWithJitter() {
    RetryPolicy policy = new RetryPolicy(3);

    Duration first = policy.delayBefore(1, null);
    Duration third = policy.delayBefore(3, null);

    assertThat(first).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(third).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
  }

  @Test
  void staleConnection_brokeBeforeAnyAnswerByte_sentOnceMore() {
    IOException noBytes = new IOException("HTTP/1.1 header parser received no bytes");

    assertThat(RetryPolicy.staleConnection(noBytes, false, false)).isTrue();
    assertThat(RetryPolicy.staleConnection(new IOException("Connection reset"), false, false)).isTrue();
    assertThat(RetryPolicy.staleConnection(noBytes, false, true)).as("only once").isFalse();
  }

  @Test
  void staleConnection_answerBeganTimeoutOrRefused_notThisRule() {
    assertThat(RetryPolicy.staleConnection(new IOException("fixed content-length: 90, bytes received: 45"), true, false))
        .isFalse();
    assertThat(RetryPolicy.staleConnection(new HttpTimeoutException("request timed out"), false, false)).isFalse();
    assertThat(RetryPolicy.staleConnection(new ConnectException("Connection refused"), false, false)).isFalse();
  }

  @Test
  void delayBefore_retriesSpent_isNull() {
    assertThat(new RetryPolicy(2).delayBefore(3, null)).isNull();
    assertThat(new RetryPolicy(0).delayBefore(1, Duration.ofSeconds(1))).isNull();
  }

  @Test
  void delayBefore_retryAfterUpToTenSeconds_isHonoured() {
    RetryPolicy policy = new RetryPolicy(2);

    assertThat(policy.delayBefore(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.delayBefore(1, Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.delayBefore(1, Duration.ofSeconds(11))).isNull();
  }

  @Test
  void retriableStatus_onlyWhereTheProviderDidNotDoTheWork() {
    assertThat(List.of(429, 500, 502, 503, 504)).allMatch(RetryPolicy::retriableStatus);
    assertThat(List.of(400, 401, 403, 404, 408, 422, 501)).noneMatch(RetryPolicy::retriableStatus);
  }

  @Test
  void retryAfter_secondsDateAndMilliseconds_areRead() {
    String inThirtySeconds = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30).format(DateTimeFormatter.RFC_1123_DATE_TIME);

    assertThat(UpstreamErrors.retryAfter(headers("Retry-After", "7"))).isEqualTo(Duration.ofSeconds(7));
    assertThat(UpstreamErrors.retryAfter(headers("retry-after-ms", "1500"))).isEqualTo(Duration.ofMillis(1500));
    assertThat(UpstreamErrors.retryAfter(headers("Retry-After", inThirtySeconds)))
        .isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
    assertThat(UpstreamErrors.retryAfter(headers("Retry-After", "whenever"))).isNull();
    assertThat(UpstreamErrors.retryAfter(headers("X-Other", "1"))).isNull();
  }

  private static HttpHeaders headers(String name, String value) {
    return HttpHeaders.of(Map.of(name, List.of(value)), (k, v) -> true);
  }
}
