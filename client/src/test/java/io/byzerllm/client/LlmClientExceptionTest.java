package io.byzerllm.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.OverloadedException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LlmClientException#of}: a failure raised in this JVM reported as a node would have answered it. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class LlmClientExceptionTest {

  @Test
  void of_overloadedInsideACompletion_429WithRetryAfter() {
    LlmClientException e = LlmClientException.of(new CompletionException(
        new OverloadedException("model 'm' is at capacity", Duration.ofSeconds(3))));

    assertThat(e.status()).isEqualTo(429);
    assertThat(e.kind()).isEqualTo(ErrorKind.OVERLOADED);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(e.getMessage()).isEqualTo("model 'm' is at capacity");
  }

  @Test
  void of_messageHoldingAKey_keyShapeRedacted() {
    String key = "sk-" + "x".repeat(32); // shaped like an OpenAI key, plainly not one

    LlmClientException e = LlmClientException.of(new LlmException(ErrorKind.AUTHENTICATION, "Incorrect API key provided: " + key));

    assertThat(e.status()).isEqualTo(ErrorKind.AUTHENTICATION.status());
    assertThat(e.getMessage()).startsWith("Incorrect API key provided: ").doesNotContain(key);
  }

  @Test
  void of_timeout_noAnswerWithHowToWaitLonger() {
    LlmClientException e = LlmClientException.of(new TimeoutException("no answer within 1s"));

    assertThat(e.noAnswer()).isTrue();
    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
    assertThat(e.getMessage()).contains("withTimeout");
  }

  @Test
  void of_clientException_returnedAsItIs() {
    LlmClientException original = new LlmClientException(404, "model 'x' is not deployed", "model_not_found", null);

    assertThat(LlmClientException.of(new CompletionException(original))).isSameAs(original);
  }
}
