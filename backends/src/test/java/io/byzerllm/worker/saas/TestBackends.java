package io.byzerllm.worker.saas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.FakeUpstream;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ModelBackend;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/** Opens SaaS backends against a provider's fake ({@link FakeUpstream}) and waits on their answers. */
final class TestBackends {
  static final String TEST_KEY = "sk-test-4f9a1c2e7b6d";
  static final long WAIT_SECONDS = 20;

  private TestBackends() {}

  static ModelBackend open(FakeOpenAiServer upstream, String... params) {
    return open(ModelType.SAAS_OPENAI, upstream, params);
  }

  /** A backend of this type pointed at the fake with {@link #TEST_KEY}; {@code params} are extra {@code k=v} pairs. */
  static ModelBackend open(ModelType type, FakeUpstream<?> upstream, String... params) {
    Map<String, String> p = new HashMap<>();
    p.put("saas.base_url", upstream.baseUrl());
    p.put("saas.api_key", TEST_KEY);
    p.put("saas.model", "fake-chat");
    for (String kv : params) {
      int eq = kv.indexOf('=');
      p.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    p.values().removeIf(String::isEmpty); // "saas.api_key=" removes the key
    return SaasBackend.open(context(ModelSpec.of("test_model", type, p)));
  }

  static BackendContext context(ModelSpec spec) {
    return new BackendContext(spec, 0, Path.of("target"), 1, List.of(), ForkJoinPool.commonPool());
  }

  static ChatCall userSays(String text) {
    return new ChatCall("req-1", List.of(ChatMessage.of("user", text)), ChatOptions.DEFAULTS);
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** The failure a stage completes with (it must fail). */
  static Throwable failureOf(CompletionStage<?> stage) {
    Throwable t = catchThrowable(() -> stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertThat(t).as("the call should have failed").isInstanceOf(ExecutionException.class);
    return t.getCause();
  }
}
