package io.byzerllm.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EndpointTest {

  @Test
  void endpoint_pathsOfCallersFreeText_countUnderFixedLabels() {
    assertThat(Endpoint.of("/v1/chat/completions").label()).isEqualTo("/v1/chat/completions");
    assertThat(Endpoint.of("/api/deployments/some-model").label()).isEqualTo("/api");
    assertThat(Endpoint.of("/whatever/a/caller/sent").label()).isEqualTo("other");
    assertThat(Endpoint.of("/metrics")).isNull();
    assertThat(Endpoint.of("/health/ready")).isNull();
  }
}
