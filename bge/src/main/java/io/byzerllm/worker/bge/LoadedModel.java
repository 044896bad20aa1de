package io.byzerllm.worker.bge;

/**
 * A model ready to embed: its files, tokenizer and encoder on one engine and device in one number
 * format, plus why that engine and format were chosen. Shared read-only by the workers of one JVM through {@link LoadedModels}.
 */
record LoadedModel(BgeModelFiles files, InferEngine engine, Precision precision, String engineChoice, BgeTokenizer tokenizer,
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
