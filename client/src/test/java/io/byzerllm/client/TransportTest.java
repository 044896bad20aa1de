package io.byzerllm.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.ErrorKind;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportTest {
  private final Transport transport = new Transport(Transport.newHttpClient(), "http://127.0.0.1:8000",
      "sk-test-transport-123456", Duration.ofSeconds(5));

  @Test
  void normalize_trailingSlashAndV1_strippedAndSchemeAdded() {
    assertThat(Transport.normalize("http://127.0.0.1:8000/v1/")).isEqualTo("http://127.0.0.1:8000");
    assertThat(Transport.normalize("127.0.0.1:9000")).isEqualTo("http://127.0.0.1:9000");
  }

  @Test
  void normalize_notHttp_failsWithAnExample() {
    assertThatThrownBy(() -> Transport.normalize("ftp://x")).hasMessageContaining("http://127.0.0.1:8000");
  }

  @Test
  void errorOf_openAiShape_keepsMessageTypeAndKind() {
    LlmClientException e = transport.errorOf(404, headers(Map.of()),
        "{\"error\":{\"message\":\"model 'x' is not deployed; deployed models: a\",\"type\":\"model_not_found\"}}");

    assertThat(e.getMessage()).isEqualTo("model 'x' is not deployed; deployed models: a");
    assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
    assertThat(e.type()).isEqualTo("model_not_found");
    assertThat(e.status()).isEqualTo(404);
  }

  @Test
  void errorOf_plainTextBodyEchoingTheKey_keyRedacted() {
    LlmClientException e = transport.errorOf(502, headers(Map.of()), "bad gateway for sk-test-transport-123456");

    assertThat(e.getMessage()).startsWith("HTTP 502 from http://127.0.0.1:8000: bad gateway for")
        .doesNotContain("sk-test-transport-123456");
    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM);
  }

  @Test
  void errorOf_429WithoutRetryAfter_defaultsToOneSecond() {
    LlmClientException e = transport.errorOf(429, headers(Map.of()), "{\"error\":{\"message\":\"busy\",\"type\":\"rate_limit_error\"}}");

    assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
  }

  private static HttpHeaders headers(Map<String, List<String>> map) {
    return HttpHeaders.of(map, (k, v) -> true);
  }
}
