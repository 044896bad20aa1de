package io.byzerllm.lite;

import io.byzerllm.client.ByzerLLM;
import java.nio.file.Path;

/**
 * byzerllm's {@code SimpleByzerLLM(default_model_name=...)}: a {@link ByzerLLM} whose models run in
 * this JVM. No cluster, no actor system, no port opened. Deploy with byzerllm's arguments, then use
 * the same API as against a node:
 *
 * <pre>{@code
 * try (ByzerLLM llm = SimpleByzerLLM.create("deepseek_chat")) {
 *   llm.deploy("", "saas/openai", "deepseek_chat", Map.of(
 *       "saas.base_url", "https://api.deepseek.com/v1", "saas.api_key", apiKey, "saas.model", "deepseek-chat"));
 *   System.out.println(llm.chatOai(List.of(Message.user("你好"))).get(0).output());
 * }
 * }</pre>
 *
 * Every {@code saas/*} type the project serves deploys here, and {@code custom/bge} when
 * {@code io.byzerllm:byzerllm-bge} is on the classpath. Each deployment admits
 * {@code worker_concurrency} calls and queues {@code worker.queue_size} more, as on a node; past that
 * a call fails at once with 429 and Retry-After. {@code undeploy} closes the backend; {@code close}
 * closes them all. Moving to a cluster changes one line: {@code ByzerLLM.connect(url)}.
 */
public final class SimpleByzerLLM {
  private SimpleByzerLLM() {}

  /** A client with no models yet whose chat calls go to {@code defaultModelName}; local models cache under {@code $LLM_HOME}. */
  public static ByzerLLM create(String defaultModelName) {
    return create(defaultModelName, ModelRegistry.defaultHome());
  }

  /** {@link #create(String)} with {@code llmHome} as the directory local models cache files in. */
  public static ByzerLLM create(String defaultModelName, Path llmHome) {
    return ByzerLLM.over(InProcessGateway.open(llmHome.toAbsolutePath(), ByzerLLM.DEFAULT_TIMEOUT))
        .withDefaultModel(defaultModelName);
  }
}
