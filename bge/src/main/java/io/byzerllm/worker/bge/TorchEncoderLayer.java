package io.byzerllm.worker.bge;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;
import java.util.function.Function;

/**
 * One BERT encoder layer's weights, prepared once at load for {@link TorchBertEncoder}'s forward pass:
 * multi-head self-attention with its output projection and residual layer norm, then the GELU
 * feed-forward and its residual layer norm. Linear weights are PyTorch's {@code [out, in]}, as
 * {@code torch.nn.functional.linear} takes them.
 *
 * <p>In bf16 the Linear weights (and biases) are cast here, once; the layer norms' stay fp32, as the
 * residual stream they normalise does.
 */
final class TorchEncoderLayer {
  /** Query, key and value projections in one [3 * hidden, hidden] matrix, the query's scaled by 1/sqrt(head size). */
  private final NDArray qkvWeight;
  private final NDArray qkvBias;
  private final NDArray attentionOutWeight;
  private final NDArray attentionOutBias;
  private final NDArray attentionNormWeight;
  private final NDArray attentionNormBias;
  private final NDArray intermediateWeight;
  private final NDArray intermediateBias;
  private final NDArray outputWeight;
  private final NDArray outputBias;
  private final NDArray outputNormWeight;
  private final NDArray outputNormBias;

  /**
   * Fuses the projections once, at load: one matrix multiply instead of three per layer, and the
   * attention's 1/sqrt(head size) folded into the query weights instead of a division per pass.
   * {@code bf16} casts the Linear weights; null keeps them fp32.
   */
  TorchEncoderLayer(BertConfig config, TorchBf16Cast bf16, Function<String, NDArray> weight) {
    float scale = (float) (1 / Math.sqrt(config.headSize()));
    NDArray scaledQuery = scaled(weight.apply("attention.self.query.weight"), scale);
    NDArray scaledQueryBias = scaled(weight.apply("attention.self.query.bias"), scale);
    NDArray keyWeight = weight.apply("attention.self.key.weight");
    NDArray keyBias = weight.apply("attention.self.key.bias");
    NDArray valueWeight = weight.apply("attention.self.value.weight");
    NDArray valueBias = weight.apply("attention.self.value.bias");
    qkvWeight = cast(bf16, NDArrays.concat(new NDList(scaledQuery, keyWeight, valueWeight), 0));
    qkvBias = cast(bf16, NDArrays.concat(new NDList(scaledQueryBias, keyBias, valueBias), 0));
    for (NDArray part : new NDArray[] {scaledQuery, scaledQueryBias, keyWeight, keyBias, valueWeight, valueBias}) {
      part.close(); // only their concatenation is kept
    }
    attentionOutWeight = cast(bf16, weight.apply("attention.output.dense.weight"));
    attentionOutBias = cast(bf16, weight.apply("attention.output.dense.bias"));
    attentionNormWeight = weight.apply("attention.output.LayerNorm.weight");
    attentionNormBias = weight.apply("attention.output.LayerNorm.bias");
    intermediateWeight = cast(bf16, weight.apply("intermediate.dense.weight"));
    intermediateBias = cast(bf16, weight.apply("intermediate.dense.bias"));
    outputWeight = cast(bf16, weight.apply("output.dense.weight"));
    outputBias = cast(bf16, weight.apply("output.dense.bias"));
    outputNormWeight = weight.apply("output.LayerNorm.weight");
    outputNormBias = weight.apply("output.LayerNorm.bias");
  }

  /**
   * The layer's weights in the order {@link TorchBertEncoder#FORWARD} reads them: fused qkv weight and
   * bias, attention output weight and bias, its layer norm's, feed-forward in and out, the last layer norm's.
   */
  List<NDArray> scriptWeights() {
    return List.of(qkvWeight, qkvBias, attentionOutWeight, attentionOutBias, attentionNormWeight, attentionNormBias,
        intermediateWeight, intermediateBias, outputWeight, outputBias, outputNormWeight, outputNormBias);
  }

  /** Frees the Linear weights (and keeps the rest) once the forward pass reads packed copies of them. */
  void closeLinearWeights() {
    for (NDArray w : new NDArray[] {qkvWeight, attentionOutWeight, intermediateWeight, outputWeight}) {
      w.close();
    }
  }

  private static NDArray scaled(NDArray weight, float scale) {
    NDArray out = weight.mul(scale);
    weight.close();
    return out;
  }

  /** The weight in bf16 with the fp32 original freed, or as it is without {@code bf16}. */
  private static NDArray cast(TorchBf16Cast bf16, NDArray fp32) {
    if (bf16 == null) {
      return fp32;
    }
    NDArray cast = bf16.apply(fp32);
    fp32.close();
    return cast;
  }
}
