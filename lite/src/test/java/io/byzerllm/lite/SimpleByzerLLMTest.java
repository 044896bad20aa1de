package io.byzerllm.lite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.ChatStream;
import io.byzerllm.client.LLMResponse;
import io.byzerllm.client.LlmClientException;
import io.byzerllm.client.Message;
import io.byzerllm.client.StreamChunk;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * byzerllm's first example with no cluster: {@code SimpleByzerLLM} deploys a {@code saas/openai}
 * model in this JVM and answers through the same {@link ByzerLLM} API, against a loopback upstream.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SimpleByzerLLMTest {
  private static final String KEY = "sk-lite-0123456789abcdefSECRET";
  @TempDir Path home;
  private FakeOpenAiServer fake;
  private ByzerLLM llm;

  @BeforeEach
  void start() {
    fake = FakeOpenAiServer.start();
    llm = SimpleByzerLLM.create("deepseek_chat", home).withTimeout(Duration.ofSeconds(30));
    llm.deploy("", "saas/openai", "deepseek_chat", Map.of(
        "saas.base_url", fake.baseUrl(), "saas.api_key", KEY, "saas.model", "deepseek-chat"));
  }

  @AfterEach
  void stop() {
    try {
      llm.close();
    } finally {
      fake.close();
    }
  }

  private RecordedRequest lastChat() {
    return fake.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).reduce((a, b) -> b)
        .orElseThrow();
  }

  @Test
  void chatOai_deployedInProcess_answersWithByzerllmMetadata() {
    LLMResponse r = llm.chatOai(List.of(Message.user("你好"))).get(0);

    assertThat(r.output()).isEqualTo("echo: 你好");
    assertThat(r.requestId()).startsWith("chatcmpl-");
    assertThat(r.metadata()).containsEntry("input_tokens_count", 1).containsEntry("generated_tokens_count", 2)
        .containsEntry("finish_reason", "stop");
    assertThat(lastChat().json().path("model").asText()).isEqualTo("deepseek-chat");
    assertThat(lastChat().header("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(llm.url()).isEqualTo("in-process");
  }

  @Test
  void chatOai_llmConfigKeys_reachTheUpstreamAsOnANode() {
    llm.chatOai(List.of(Message.user("写代码"), Message.assistant("```python")),
        Map.of("max_length", 77, "gen.stop", "[\"```\"]", "gen.response_prefix", true));

    var sent = lastChat().json();
    assertThat(sent.path("max_tokens").asInt()).isEqualTo(77);
    assertThat(sent.path("stop").toString()).isEqualTo("[\"```\"]");
    assertThat(sent.path("messages").get(1).path("prefix").asBoolean()).isTrue();
  }

  @Test
  void chatOai_badField_failsNamingTheField() {
    assertThatThrownBy(() -> llm.chatOai(List.of(Message.user("x")), Map.of("temperature", "hot")))
        .isInstanceOfSatisfying(LlmClientException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
          assertThat(e.getMessage()).contains("'temperature' must be a number");
        });
    assertThat(fake.requests()).isEmpty();
  }

  @Test
  void streamChatOai_deltas_thenFinishAndUsage() {
    List<String> deltas = new ArrayList<>();
    StreamChunk last = null;
    try (ChatStream stream = llm.streamChatOai(List.of(Message.user("一二三")), true)) {
      for (StreamChunk c : stream) {
        deltas.add(c.text());
        last = c;
      }
    }

    assertThat(String.join("", deltas)).isEqualTo("echo: 一二三");
    assertThat(deltas.size()).isGreaterThan(1);
    assertThat(last.meta().finishReason()).isEqualTo("stop");
    assertThat(last.meta().generatedTokensCount()).isPositive();
  }

  @Test
  void streamChatOai_upstreamRefusesBeforeAnyDelta_throwsAtOpenWithItsStatus() {
    fake.failNext(400, "The model `deepseek-chat` does not exist");

    assertThatThrownBy(() -> llm.streamChatOai(List.of(Message.user("x")), true))
        .isInstanceOfSatisfying(LlmClientException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("does not exist");
        });
  }

  @Test
  void embQuery_embeddingModel_returnsTheUpstreamVector() {
    llm.deploy("", "saas/openai", "emb", Map.of("saas.base_url", fake.baseUrl(), "saas.api_key", KEY,
        "saas.model", "text-embedding-3-small"));

    float[] v = llm.withDefaultEmbModel("emb").embQuery("你好");

    assertThat(v).hasSize(8);
    assertThat(fake.requests().get(fake.requests().size() - 1).json().path("input").get(0).asText()).isEqualTo("你好");
  }

  @Test
  void workerQueueFull_nextCall_refusedAtOnceWith429AndRetryAfter() {
    llm.deploy("", "saas/openai", "narrow", Map.of("saas.base_url", fake.baseUrl(), "saas.api_key", KEY,
        "saas.model", "m", "worker.queue_size", "1"));
    ByzerLLM narrow = llm.withDefaultModel("narrow");
    fake.stallAll(true);
    CompletableFuture<List<LLMResponse>> running = narrow.chatOaiAsync(List.of(Message.user("a")), Map.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> fake.inFlight() == 1);
    CompletableFuture<List<LLMResponse>> queued = narrow.chatOaiAsync(List.of(Message.user("b")), Map.of());

    assertThatThrownBy(() -> narrow.chatOai(List.of(Message.user("c"))))
        .isInstanceOfSatisfying(LlmClientException.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
          assertThat(e.getMessage()).contains("model 'narrow' is at capacity").contains("1 queued");
        });
    assertThat(fake.inFlight()).isEqualTo(1); // worker_concurrency 1: the queued call has not reached the upstream

    fake.stallAll(false);
    fake.releaseStalled();
    assertThat(running.orTimeout(20, TimeUnit.SECONDS).join().get(0).output()).isEqualTo("echo: a");
    assertThat(queued.orTimeout(20, TimeUnit.SECONDS).join().get(0).output()).isEqualTo("echo: b");
  }

  /** A model with worker_concurrency 1 and no queue: a second call while one holds the permit is refused. */
  private ByzerLLM oneSlotNoQueue(Duration timeout) {
    llm.deploy("", "saas/openai", "one", Map.of("saas.base_url", fake.baseUrl(), "saas.api_key", KEY,
        "saas.model", "m", "worker.queue_size", "0"));
    return llm.withDefaultModel("one").withTimeout(timeout);
  }

  @Test
  void chatOai_upstreamStalls_failsAtTheTimeout_permitFreedForTheNextCall() {
    ByzerLLM impatient = oneSlotNoQueue(Duration.ofSeconds(1));
    fake.stallNext();

    assertThatThrownBy(() -> impatient.chatOai(List.of(Message.user("slow"))))
        .isInstanceOfSatisfying(LlmClientException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT));
    var late = impatient.chatOaiAsync(List.of(Message.user("late")), Map.of());

    // worker_concurrency 1 and no queue: this answer proves the timed-out call gave its permit back
    assertThat(late.orTimeout(20, TimeUnit.SECONDS).join().get(0).output()).isEqualTo("echo: late");
  }

  @Test
  void chatOaiAsync_upstreamStalls_failsAtTheTimeout_permitFreedForTheNextCall() {
    ByzerLLM impatient = oneSlotNoQueue(Duration.ofSeconds(1));
    fake.stallNext();

    var slow = impatient.chatOaiAsync(List.of(Message.user("slow")), Map.of());

    assertThatThrownBy(() -> slow.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(LlmClientException.class)
        .cause().satisfies(e -> assertThat(((LlmClientException) e).kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT));
    // the timer's thread gives the permit back just after it failed the call
    await().atMost(Duration.ofSeconds(20)).until(() -> llm.deployment("one").workers().get(0).inFlight() == 0);
    assertThat(impatient.chatOai(List.of(Message.user("next"))).get(0).output()).isEqualTo("echo: next");
  }

  @Test
  void streamChatOai_closedEarly_stopsTheBackendAndGivesThePermitBack() {
    ByzerLLM oneSlot = oneSlotNoQueue(Duration.ofSeconds(30));
    fake.chunkDelay(Duration.ofMillis(200));

    try (ChatStream stream = oneSlot.streamChatOai(List.of(Message.user("a b c d e f g h i j k l m n o p")), true)) {
      assertThat(stream.next().text()).isEqualTo("echo:");
      assertThatThrownBy(() -> oneSlot.chatOai(List.of(Message.user("meanwhile"))))
          .isInstanceOfSatisfying(LlmClientException.class, e -> assertThat(e.status()).isEqualTo(429));
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> llm.deployment("one").workers().get(0).inFlight() == 0);
    fake.chunkDelay(Duration.ZERO);
    assertThat(oneSlot.chatOai(List.of(Message.user("after"))).get(0).output()).isEqualTo("echo: after");
  }

  @Test
  void upstreamRejectsTheKey_errorKeepsStatus_keyNeverShown() {
    fake.requireApiKey("sk-the-right-one-0123456789");

    assertThatThrownBy(() -> llm.chatOai(List.of(Message.user("x"))))
        .isInstanceOfSatisfying(LlmClientException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("0123456789abcdef");
        });
    assertThat(llm.listDeployments().toString()).doesNotContain(KEY);
    assertThat(llm.deployment("deepseek_chat").inferParams()).containsEntry("saas.api_key", "***");
  }

  @Test
  void undeploy_closesTheModel_laterCallsSayItIsNotDeployed() {
    assertThat(llm.isModelExist("deepseek_chat")).isTrue();

    assertThat(llm.undeploy("deepseek_chat")).isTrue();

    assertThat(llm.isModelExist("deepseek_chat")).isFalse();
    assertThat(llm.undeploy("deepseek_chat")).isFalse();
    assertThatThrownBy(() -> llm.chatOai(List.of(Message.user("x"))))
        .isInstanceOfSatisfying(LlmClientException.class, e -> {
          assertThat(e.kind()).isEqualTo(ErrorKind.MODEL_NOT_FOUND);
          assertThat(e.getMessage()).contains("'deepseek_chat' is not deployed");
        });
  }

  @Test
  void deploy_takenName_isAConflict_replaceSwapsIt() {
    assertThatThrownBy(() -> llm.deploy("", "saas/openai", "deepseek_chat", Map.of("saas.base_url", fake.baseUrl(),
        "saas.api_key", KEY))).isInstanceOfSatisfying(LlmClientException.class,
            e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));

    llm.deploy(io.byzerllm.deploy.SpecFields.toSpec(Map.of("model", "deepseek_chat", "infer_params",
        Map.of("saas.base_url", fake.baseUrl(), "saas.api_key", KEY, "saas.model", "v2"))), true);
    llm.chatOai(List.of(Message.user("x")));

    assertThat(lastChat().json().path("model").asText()).isEqualTo("v2");
  }

  @Test
  void clusterCalls_inProcess_sayTheyNeedANode() {
    assertThatThrownBy(() -> llm.cluster()).isInstanceOf(LlmClientException.class).hasMessageContaining("needs a node");
    assertThat(llm.health()).isTrue();
  }
}
