package io.byzerllm.worker.bge;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bundled model's tokenizer: ids read from the native encoding, as the library's full encoding gives them. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BgeTokenizerTest {
  private static BgeTokenizer tokenizer;
  private static HuggingFaceTokenizer library;

  @BeforeAll
  static void open() throws Exception {
    DjlRuntime.prepare(BgeFixture.HOME.resolve("cache")); // offline: the native library comes from the jar
    Path json = BgeModelFiles.resolve("", BgeFixture.HOME.resolve("cache")).tokenizer();
    tokenizer = BgeTokenizer.open(json, BgeTokenizer.MAX_TOKENS);
    library = HuggingFaceTokenizer.newInstance(json, Map.of("addSpecialTokens", "true", "truncation", "false",
        "padding", "false", "modelMaxLength", String.valueOf(BgeTokenizer.MAX_TOKENS)));
  }

  @AfterAll
  static void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
    if (library != null) {
      library.close();
    }
  }

  @Test
  void encode_chineseEnglishAndMixedTexts_sameIdsAsTheLibrarysFullEncoding() {
    List<String> texts = new ArrayList<>(BgeFixture.SENTENCES);
    texts.add("ByzerLLM 可以在一个集群里部署多个模型，并通过 HTTP 调用: POST /v1/embeddings!");
    texts.add("短");
    for (String text : texts) {
      TokenizedText t = tokenizer.encode(text);
      assertThat(t.ids()).as(text).containsExactly(library.encode(text).getIds());
      assertThat(t.truncated()).isFalse();
    }
  }

  @Test
  void encode_longerThan512Tokens_keepsTheFirst511AndTheClosingSep() {
    String text = String.join(" ", Collections.nCopies(300, "检索 retrieval"));
    long[] full = library.encode(text).getIds();
    assertThat(full.length).isGreaterThan(BgeTokenizer.MAX_TOKENS);

    TokenizedText t = tokenizer.encode(text);

    assertThat(t.truncated()).isTrue();
    assertThat(t.ids()).hasSize(BgeTokenizer.MAX_TOKENS);
    assertThat(Arrays.copyOf(t.ids(), BgeTokenizer.MAX_TOKENS - 1))
        .containsExactly(Arrays.copyOf(full, BgeTokenizer.MAX_TOKENS - 1));
    assertThat(t.ids()[BgeTokenizer.MAX_TOKENS - 1]).isEqualTo(full[full.length - 1]);
  }
}
