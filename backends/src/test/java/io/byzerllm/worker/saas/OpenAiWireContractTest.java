package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.TEST_KEY;

import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.FakeUpstream;
import org.junit.jupiter.api.Timeout;

/** {@code saas/openai} keeps the contract every wire keeps (its own tests are the OpenAiBackend*Tests). */
@Timeout(60)
class OpenAiWireContractTest extends WireFormatContract {

  @Override
  ModelType type() {
    return ModelType.SAAS_OPENAI;
  }

  @Override
  FakeUpstream<?> startFake() {
    return FakeOpenAiServer.start().requireApiKey(TEST_KEY);
  }
}
