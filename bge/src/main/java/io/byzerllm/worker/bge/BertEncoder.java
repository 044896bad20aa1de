package io.byzerllm.worker.bge;

/**
 * A BERT encoder on one engine and device: runs one forward pass over a padded batch and returns
 * each row's [CLS] hidden state (not yet normalised). Implementations are safe to call from
 * several threads at once; the weights they hold are read-only. {@link #close()} frees native
 * memory and is called once, by the owner.
 */
interface BertEncoder extends AutoCloseable {

  float[][] clsStates(TokenBatch batch);

  /**
   * Whether a pass computes every padded position as if it were a token: then a pass of texts of
   * different lengths pays for the padding, and the batcher splits rounds into passes of similar
   * lengths ({@link PassPlan#of}); an encoder that packs real tokens pays for them only.
   */
  default boolean computesPadding() {
    return true;
  }

  /** The hidden size: the length of each returned vector. */
  int dimension();

  /** Bytes of weights resident for this encoder (what sharing saves per extra worker). */
  long weightsBytes();

  /** What {@code stat} shows: engine, device, and how the weights were obtained. */
  String engineDescription();

  @Override
  void close();
}
