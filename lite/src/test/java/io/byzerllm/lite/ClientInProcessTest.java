package io.byzerllm.lite;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.testkit.FakeOpenAiServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client contract over the in-process gateway: each model a saas/openai backend in this JVM. */
class ClientInProcessTest extends ClientContract {
  @TempDir Path home;

  @Override
  ByzerLLM client(FakeOpenAiServer upstream) {
    ByzerLLM llm = SimpleByzerLLM.create("chat", home);
    for (String model : List.of("chat", "e", "tts", "stt", "img")) {
      llm.deploy("", "saas/openai", model, Map.of("saas.base_url", upstream.baseUrl(), "saas.api_key", "sk-contract",
          "saas.model", model, "saas.tts_model", model, "saas.stt_model", model, "saas.image_model", model));
    }
    return llm;
  }

  @Test
  void url_isInProcess_noNodeBetween() {
    llm.chatOai(List.of(io.byzerllm.client.Message.user("x")));

    assertThat(llm.url()).isEqualTo("in-process");
    assertThat(fake.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer sk-contract"));
  }
}
