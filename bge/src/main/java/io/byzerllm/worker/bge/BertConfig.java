package io.byzerllm.worker.bge;

import java.util.Map;

/**
 * The shape of a BERT encoder: hidden size, layers, attention heads, feed-forward size, the layer
 * norm epsilon, and how many positions it has embeddings for.
 */
record BertConfig(int hidden, int layers, int heads, int intermediate, float layerNormEps, int maxPositions) {
  /** BERT's usual head width, assumed only when neither config.json nor the ONNX graph names the head count. */
  static final int BGE_HEAD_SIZE = 64;
  static final float BERT_LAYER_NORM_EPS = 1e-12f;

  BertConfig {
    if (hidden < 1 || layers < 1 || heads < 1 || hidden % heads != 0 || intermediate < 1 || maxPositions < 1) {
      throw new IllegalArgumentException("not a BERT shape: hidden=" + hidden + " layers=" + layers + " heads=" + heads
          + " intermediate=" + intermediate + " maxPositions=" + maxPositions);
    }
  }

  int headSize() {
    return hidden / heads;
  }

  /**
   * Reads the shape off the weights themselves; {@code hints} (config.json's or a converted file's
   * metadata: {@code num_attention_heads}, {@code layer_norm_eps}) fill what weights cannot tell.
   */
  static BertConfig fromWeights(Map<String, FloatTensor> tensors, Map<String, String> hints) {
    FloatTensor words = tensors.get("embeddings.word_embeddings.weight");
    FloatTensor positions = tensors.get("embeddings.position_embeddings.weight");
    FloatTensor intermediate = tensors.get("encoder.layer.0.intermediate.dense.weight");
    if (words == null || positions == null || intermediate == null) {
      throw new IllegalArgumentException("the weights are not a BERT encoder's (no embeddings.word_embeddings.weight, "
          + "embeddings.position_embeddings.weight or encoder.layer.0.intermediate.dense.weight)");
    }
    int hidden = (int) words.shape()[1];
    int layers = 0;
    while (tensors.containsKey("encoder.layer." + layers + ".attention.self.query.weight")) {
      layers++;
    }
    int heads = Integer.parseInt(hints.getOrDefault("num_attention_heads", String.valueOf(hidden / BGE_HEAD_SIZE)));
    float eps = Float.parseFloat(hints.getOrDefault("layer_norm_eps", String.valueOf(BERT_LAYER_NORM_EPS)));
    return new BertConfig(hidden, layers, heads, (int) intermediate.shape()[0], eps, (int) positions.shape()[0]);
  }

  Map<String, String> asHints() {
    return Map.of("num_attention_heads", String.valueOf(heads), "layer_norm_eps", String.valueOf(layerNormEps));
  }
}
