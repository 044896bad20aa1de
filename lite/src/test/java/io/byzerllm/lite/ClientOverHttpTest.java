package io.byzerllm.lite;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.testkit.FakeOpenAiServer;
import org.junit.jupiter.api.Test;

/** The client contract over the HTTP gateway, the upstream standing in for a node's {@code /v1} API. */
class ClientOverHttpTest extends ClientContract {
  @Override
  ByzerLLM client(FakeOpenAiServer upstream) {
    return ByzerLLM.connect(upstream.baseUrl()).withApiKey(null).withDefaultModel("chat");
  }

  @Test
  void url_isTheNodeAddress() {
    assertThat(llm.url()).isEqualTo(fake.baseUrl().replaceAll("/v1$", ""));
  }
}
