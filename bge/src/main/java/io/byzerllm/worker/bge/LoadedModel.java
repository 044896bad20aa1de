package io.byzerllm.worker.bge;

/**
 * A model ready to embed: its files, tokenizer and encoder on one engine and device, plus why that
 * engine was chosen. Shared read-only by the workers of one JVM through {@link LoadedModels}.
 */
record LoadedModel(BgeModelFiles files, InferEngine engine, String engineChoice, BgeTokenizer tokenizer,
                   BertEncoder encoder) implements AutoCloseable {

  @Override
  public void close() {
    try {
      encoder.close();
    } finally {
      tokenizer.close();
    }
  }
}
