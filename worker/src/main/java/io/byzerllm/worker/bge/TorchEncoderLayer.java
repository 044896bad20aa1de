package io.byzerllm.worker.bge;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.Function;

/**
 * One BERT encoder layer's weights and its forward pass: multi-head self-attention with the padding
 * mask, output projection and residual layer norm, then the GELU feed-forward and its residual
 * layer norm. Linear weights are PyTorch's {@code [out, in]}, as {@code torch.nn.functional.linear} takes them.
 */
final class TorchEncoderLayer {
  private final BertConfig config;
  private final NDArray queryWeight;
  private final NDArray queryBias;
  private final NDArray keyWeight;
  private final NDArray keyBias;
  private final NDArray valueWeight;
  private final NDArray valueBias;
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

  TorchEncoderLayer(BertConfig config, Function<String, NDArray> weight) {
    this.config = config;
    queryWeight = weight.apply("attention.self.query.weight");
    queryBias = weight.apply("attention.self.query.bias");
    keyWeight = weight.apply("attention.self.key.weight");
    keyBias = weight.apply("attention.self.key.bias");
    valueWeight = weight.apply("attention.self.value.weight");
    valueBias = weight.apply("attention.self.value.bias");
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
    NDArray query = clsOnly ? x.get(":, 0:1, :") : x;
    long queries = clsOnly ? 1 : length;
    int heads = config.heads();
    int headSize = config.headSize();

    NDArray q = linear(query, queryWeight, queryBias).reshape(batch, queries, heads, headSize).transpose(0, 2, 1, 3);
    NDArray kT = linear(x, keyWeight, keyBias).reshape(batch, length, heads, headSize).transpose(0, 2, 3, 1);
    NDArray v = linear(x, valueWeight, valueBias).reshape(batch, length, heads, headSize).transpose(0, 2, 1, 3);
    NDArray probabilities = q.matMul(kT).div((float) Math.sqrt(headSize)).add(maskBias).softmax(-1);
    NDArray context = probabilities.matMul(v).transpose(0, 2, 1, 3).reshape(batch, queries, config.hidden());

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
