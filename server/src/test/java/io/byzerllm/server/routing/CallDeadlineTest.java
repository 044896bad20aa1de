package io.byzerllm.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallDeadlineTest {
  @Test
  void of_providerTimeoutGiven_isQueueTimePlusProviderTimeoutPlusSlack() {
    ModelSpec spec = ModelSpec.of("chat", ModelType.SAAS_OPENAI, Map.of("saas.timeout", "2.5"));

    assertThat(CallDeadline.of(spec, Duration.ofSeconds(60), Duration.ofSeconds(10))).isEqualTo(Duration.ofMillis(72_500));
  }

  @Test
  void of_noProviderTimeout_usesTheProvidersDefault() {
    ModelSpec spec = ModelSpec.of("chat", ModelType.SAAS_OPENAI, Map.of());

    assertThat(CallDeadline.of(spec, Duration.ofSeconds(1), Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(122));
  }
}
