package io.byzerllm.worker.bge;

/**
 * One text as token ids, special tokens included, at most the model's maximum length;
 * {@code truncated} says the text was longer and its tail was cut.
 */
record TokenizedText(long[] ids, boolean truncated) {
  TokenizedText {
    if (ids.length < 1) {
      throw new IllegalArgumentException("a tokenized text has at least one token");
    }
  }

  int length() {
    return ids.length;
  }
}
