package io.byzerllm.worker.bge;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The model's own tokenizer.json (HuggingFace tokenizers through DJL), with BERT's truncation: a text
 * longer than {@code maxTokens} keeps its first {@code maxTokens - 1} tokens and its closing [SEP].
 * Thread-safe.
 */
final class BgeTokenizer implements AutoCloseable {
  static final int MAX_TOKENS = 512;

  private final HuggingFaceTokenizer tokenizer;
  private final int maxTokens;

  private BgeTokenizer(HuggingFaceTokenizer tokenizer, int maxTokens) {
    this.tokenizer = tokenizer;
    this.maxTokens = maxTokens;
  }

  static BgeTokenizer open(Path tokenizerJson, int maxTokens) {
    // Truncation is done here rather than by the library, so that the count of truncated inputs is exact.
    Map<String, String> options = Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false",
        "modelMaxLength", String.valueOf(maxTokens));
    try {
      return new BgeTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options), maxTokens);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the tokenizer " + tokenizerJson, e);
    }
  }

  TokenizedText encode(String text) {
    long[] ids = ids(text);
    if (ids.length <= maxTokens) {
      return new TokenizedText(ids, false);
    }
    long[] cut = Arrays.copyOf(ids, maxTokens);
    cut[maxTokens - 1] = ids[ids.length - 1];
    return new TokenizedText(cut, true);
  }

  /**
   * The token ids only: {@code HuggingFaceTokenizer.encode} also copies out types, tokens, word ids, masks and
   * a character span object per token, which costs as much again as the encoding itself (docs/benchmarks.md,
   * "BGE: where a lone caller's milliseconds go through a node"). The same native calls it makes, with the
   * special tokens the tokenizer was opened with.
   */
  private long[] ids(String text) {
    long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, true);
    try {
      return TokenizersLibrary.LIB.getTokenIds(encoding);
    } finally {
      TokenizersLibrary.LIB.deleteEncoding(encoding);
    }
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
