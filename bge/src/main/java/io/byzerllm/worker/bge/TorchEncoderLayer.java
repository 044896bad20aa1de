package io.byzerllm.worker.bge;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;

/**
 * One BERT encoder layer's weights and its forward pass: multi-head self-attention with the padding
 * mask, output projection and residual layer norm, then the GELU feed-forward and its residual
 * layer norm. Linear weights are PyTorch's {@code [out, in]}, as {@code torch.nn.functional.linear} takes them.
 */
final class TorchEncoderLayer {
  private final BertConfig config;
  /** Query, key and value projections in one [3 * hidden, hidden] matrix, the query's scaled by 1/sqrt(head size). */
  private final NDArray qkvWeight;
  private final NDArray qkvBias;
  /** The scaled query projection alone, for the last layer, where only [CLS] asks. */
  private final NDArray queryWeight;
  private final NDArray queryBias;
  /** Key and value projections in one [2 * hidden, hidden] matrix, for the last layer. */
  private final NDArray kvWeight;
  private final NDArray kvBias;
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
   */
  TorchEncoderLayer(BertConfig config, Function<String, NDArray> weight) {
    this.config = config;
    float scale = (float) (1 / Math.sqrt(config.headSize()));
    queryWeight = weight.apply("attention.self.query.weight").mul(scale);
    queryBias = weight.apply("attention.self.query.bias").mul(scale);
    NDArray keyWeight = weight.apply("attention.self.key.weight");
    NDArray keyBias = weight.apply("attention.self.key.bias");
    NDArray valueWeight = weight.apply("attention.self.value.weight");
    NDArray valueBias = weight.apply("attention.self.value.bias");
    qkvWeight = NDArrays.concat(new NDList(queryWeight, keyWeight, valueWeight), 0);
    qkvBias = NDArrays.concat(new NDList(queryBias, keyBias, valueBias), 0);
    kvWeight = NDArrays.concat(new NDList(keyWeight, valueWeight), 0);
    kvBias = NDArrays.concat(new NDList(keyBias, valueBias), 0);
    attentionOutWeight = weight.apply("attention.output.dense.weight");
    attentionOutBias = weight.apply("attention.output.dense.bias");
    attentionNormWeight = weight.apply("attention.output.LayerNorm.weight");
    attentionNormBias = weight.apply("attention.output.LayerNorm.bias");
    intermediateWeight = weight.apply("intermediate.dense.weight");
    intermediateBias = weight.apply("intermediate.dense.bias");
    outputWeight = weight.apply("output.dense.weight");
    outputBias = weight.apply("output.dense.bias");
    outputNormWeight = weight.apply("output.LayerNorm.weight");
    outputNormBias = weight.apply("output.LayerNorm.bias");
  }

  /**
   * {@code x} is {@code [batch, length, hidden]}; {@code maskBias} {@code [batch, 1, 1, length]}.
   * With {@code clsOnly} only position 0 attends and goes on (shape {@code [batch, 1, hidden]}).
   */
  NDArray forward(NDArray x, NDArray maskBias, boolean clsOnly) {
    long batch = x.getShape().get(0);
    long length = x.getShape().get(1);
    int heads = config.heads();
    int headSize = config.headSize();

    NDArray query;
    NDArray q;
    NDArray kv;
    if (clsOnly) {
      query = x.get(":, 0:1, :");
      q = linear(query, queryWeight, queryBias).reshape(batch, 1, heads, headSize).transpose(0, 2, 1, 3);
      // [2, batch, heads, length, headSize]: keys then values
      kv = linear(x, kvWeight, kvBias).reshape(batch, length, 2, heads, headSize).transpose(2, 0, 3, 1, 4);
    } else {
      query = x;
      NDArray qkv = linear(x, qkvWeight, qkvBias).reshape(batch, length, 3, heads, headSize).transpose(2, 0, 3, 1, 4);
      q = qkv.get(0);
      kv = qkv.get("1:");
    }
    long queries = clsOnly ? 1 : length;
    NDArray probabilities = q.matMul(kv.get(0).transpose(0, 1, 3, 2)).add(maskBias).softmax(-1);
    NDArray context = probabilities.matMul(kv.get(1)).transpose(0, 2, 1, 3).reshape(batch, queries, config.hidden());

    NDArray attended = layerNorm(linear(context, attentionOutWeight, attentionOutBias).add(query),
        attentionNormWeight, attentionNormBias, config);
    NDArray intermediate = linear(attended, intermediateWeight, intermediateBias);
    NDArray activated = intermediate.getNDArrayInternal().gelu();
    return layerNorm(linear(activated, outputWeight, outputBias).add(attended), outputNormWeight, outputNormBias, config);
  }

  private static NDArray linear(NDArray input, NDArray weight, NDArray bias) {
    return input.getNDArrayInternal().linear(input, weight, bias).singletonOrThrow();
  }

  static NDArray layerNorm(NDArray input, NDArray weight, NDArray bias, BertConfig config) {
    return input.getNDArrayInternal()
        .layerNorm(input, new Shape(config.hidden()), weight, bias, config.layerNormEps()).singletonOrThrow();
  }
}
