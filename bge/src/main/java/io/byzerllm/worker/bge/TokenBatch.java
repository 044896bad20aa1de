package io.byzerllm.worker.bge;

import java.util.List;

/**
 * Texts padded to one length for one forward pass, row-major {@code [size, length]}: token ids,
 * attention mask (1 for real tokens) and token type ids (all 0: BGE embeds single sentences).
 */
record TokenBatch(int size, int length, long[] ids, long[] mask, long[] typeIds, int realTokens) {
  TokenBatch {
    if (size < 1 || length < 1 || ids.length != size * length || mask.length != ids.length
        || typeIds.length != ids.length) {
      throw new IllegalArgumentException("a token batch is [size, length] with size, length >= 1");
    }
  }

  /** Pads the texts with id 0 ([PAD] in BERT vocabularies) up to the longest of them. */
  static TokenBatch of(List<TokenizedText> texts) {
    int length = texts.stream().mapToInt(TokenizedText::length).max().orElse(1);
    int size = texts.size();
    long[] ids = new long[size * length];
    long[] mask = new long[size * length];
    int real = 0;
    for (int row = 0; row < size; row++) {
      long[] t = texts.get(row).ids();
      System.arraycopy(t, 0, ids, row * length, t.length);
      for (int i = 0; i < t.length; i++) {
        mask[row * length + i] = 1;
      }
      real += t.length;
    }
    return new TokenBatch(size, length, ids, mask, new long[size * length], real);
  }
}
