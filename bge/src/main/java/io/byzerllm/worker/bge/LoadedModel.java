package io.byzerllm.worker.bge;

import java.util.Optional;

/**
 * A model ready to embed: its files, tokenizer and encoder on one engine and device in one number
 * format, plus why that engine and format were chosen. Shared read-only by the workers of one JVM through {@link LoadedModels}.
 * {@code lonePass}, where present, is a second encoder of the same weights for a text that comes alone
 * to an idle worker: one pass spread over all the worker's threads, for the least latency
 * ({@link EmbeddingBatcher}), where {@code encoder} is the one that costs least CPU per sentence.
 */
record LoadedModel(BgeModelFiles files, InferEngine engine, Precision precision, String engineChoice, BgeTokenizer tokenizer,
                   BertEncoder encoder, Optional<BertEncoder> lonePass) implements AutoCloseable {

  @Override
  public void close() {
    try {
      encoder.close();
      lonePass.ifPresent(BertEncoder::close);
    } finally {
      tokenizer.close();
    }
  }
}
