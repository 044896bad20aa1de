package io.byzerllm.worker.bge;

import java.util.Optional;

/**
 * A model ready to embed: its files, tokenizer and encoder on one engine and device in one number
 * format, plus why that engine and format were chosen. Shared read-only by the workers of one JVM through {@link LoadedModels}.
 * {@code lonePass}, where present, runs a text that comes alone to an idle worker: {@code encoder} with its
 * pass spread over all the worker's threads, for the least latency ({@link EmbeddingBatcher}), where each
 * pass of {@code encoder} itself runs on one thread, which costs least CPU per sentence under load.
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
