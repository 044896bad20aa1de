package io.byzerllm.worker.bge;

import static io.byzerllm.worker.bge.BgeFixture.cosine;
import static io.byzerllm.worker.bge.BgeFixture.embed;
import static io.byzerllm.worker.bge.BgeFixture.embedOne;
import static io.byzerllm.worker.bge.BgeFixture.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default custom/bge deployment (bundled bge-small-zh-v1.5, engine chosen automatically) on real weights, in
 * fp32: where the CPU has bf16 instructions, {@code bge.precision=auto} may choose PyTorch in bf16 instead
 * ({@link BgeBf16Test}).
 */
class BgeOnnxBackendTest {
  private static BgeFixture fixture;
  private static BgeBackend backend;

  @BeforeAll
  static void load() {
    fixture = new BgeFixture();
    backend = (BgeBackend) BgeBackend.open(fixture.context(BgeFixture.spec("", "", Map.of("bge.precision", "fp32"))));
  }

  @AfterAll
  static void close() {
    if (backend != null) {
      backend.close();
    }
    fixture.close();
  }

  @Test
  void open_noModelPathNoBackend_servesBundledSmallZhOnOnnxRuntime() {
    Map<String, Object> d = backend.describe();

    assertThat(d).containsEntry("engine", "OnnxRuntime").containsEntry("model", "bge-small-zh-v1.5")
        .containsEntry("dimension", 512).containsEntry("device", "cpu()").containsKey("forward_passes");
    assertThat((String) d.get("engine_choice")).startsWith("auto:");
    assertThat((Long) d.get("weights_bytes")).isGreaterThan(90_000_000L);
    assertThat(backend.capabilities()).containsExactly(Capability.EMBEDDING);
  }

  @Test
  void embed_twoTexts_unitVectorsOf512InOrderWithTokenUsage() throws Exception {
    EmbeddingResult r = embed(backend, EmbeddingCall.of(List.of("你好", "今天天气很好，我们去公园散步吧。")));

    assertThat(r.vectors()).hasSize(2);
    assertThat(r.vectors()).allSatisfy(v -> {
      assertThat(v).hasSize(512);
      assertThat(norm(v)).isCloseTo(1.0, within(1e-4));
    });
    assertThat(cosine(r.vectors().get(0), r.vectors().get(1))).isLessThan(0.99);
    // [CLS] 你 好 [SEP] = 4 tokens; the second text is longer.
    assertThat(r.usage().promptTokens()).isGreaterThan(4 + 10);
    assertThat(r.truncatedInputs()).isZero();
    assertThat(r.upstreamModel()).isEqualTo("bge-small-zh-v1.5");
  }

  @Test
  void embed_greetings_closerToEachOtherThanToUnrelatedSentence() throws Exception {
    float[] hello = embedOne(backend, "你好");
    float[] politeHello = embedOne(backend, "您好");
    float[] unrelated = embedOne(backend, "量子计算机使用量子比特进行运算。");

    assertThat(cosine(hello, politeHello)).isGreaterThan(cosine(hello, unrelated) + 0.05);
  }

  @Test
  void embed_about600Tokens_truncatedNotRejected() throws Exception {
    String longText = "机器学习模型".repeat(100); // 600 characters, one token each

    EmbeddingResult r = embed(backend, EmbeddingCall.of(List.of(longText, "短句")));

    assertThat(r.truncatedInputs()).isEqualTo(1);
    assertThat(r.vectors().get(0)).hasSize(512);
    assertThat(norm(r.vectors().get(0))).isCloseTo(1.0, within(1e-4));
    assertThat(r.usage().promptTokens()).isEqualTo(512 + 4);
  }

  @Test
  void embed_emptyString_failsInvalidRequestNamingInput() {
    ThrowingCallable call = () -> backend.embed(EmbeddingCall.of(List.of("ok", ""))).toCompletableFuture().get();

    assertThatLlmError(call, ErrorKind.INVALID_REQUEST, "input[1]");
  }

  @Test
  void embed_otherDimensions_failsInvalidRequestNamingDimensions() {
    ThrowingCallable call = () -> backend.embed(new EmbeddingCall(List.of("你好"), false, null, 256))
        .toCompletableFuture().get();

    assertThatLlmError(call, ErrorKind.INVALID_REQUEST, "dimensions");
  }

  @Test
  void embed_queryTrue_appliesRetrievalInstruction() throws Exception {
    String text = "如何申请护照？";

    float[] document = embedOne(backend, text);
    float[] query = embed(backend, new EmbeddingCall(List.of(text), true, null, null)).vectors().get(0);
    float[] withInstruction = embedOne(backend, "为这个句子生成表示以用于检索相关文章：" + text);

    assertThat(cosine(query, document)).isLessThan(0.999);
    assertThat(cosine(query, withInstruction)).isGreaterThan(0.9999);
  }

  @Test
  void chat_onEmbeddingModel_failsInvalidRequest() {
    ChatCall chat = new ChatCall("r1", List.of(ChatMessage.of("user", "hi")), null);

    ThrowingCallable call = () -> backend.chat(chat).toCompletableFuture().get();

    assertThatLlmError(call, ErrorKind.INVALID_REQUEST, "does not support chat");
  }

  static void assertThatLlmError(ThrowingCallable call, ErrorKind kind, String messagePart) {
    org.assertj.core.api.Assertions.assertThatThrownBy(call).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(LlmException.class, e -> {
          assertThat(e.kind()).isEqualTo(kind);
          assertThat(e.getMessage()).contains(messagePart);
        });
  }
}
