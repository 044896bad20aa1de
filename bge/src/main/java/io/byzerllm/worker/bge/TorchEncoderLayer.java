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
 *
 * <p>In bf16 the Linear weights are cast once, at load, and the matrix multiplies (projections,
 * attention scores, the feed-forward) run in bfloat16, where oneDNN uses the CPU's AVX-512 BF16 or AMX
 * instructions. The residual stream stays fp32: each sublayer's bf16 output is added to its fp32
 * input (PyTorch promotes the sum to fp32) and layer-normed in fp32, so rounding does not build up
 * across layers; only the inputs of the next matrix multiply are cast down.
 */
final class TorchEncoderLayer {
  private final BertConfig config;
  /** Casts the Linear weights and what they multiply to bf16; null for the fp32 forward pass. */
  private final TorchBf16Cast bf16;
  /** Query, key and value projections in one [3 * hidden, hidden] matrix, the query's scaled by 1/sqrt(head size). */
  private final NDArray qkvWeight;
  private final NDArray qkvBias;
  /** The scaled query projection alone (a view of qkv's rows), for the last layer, where only [CLS] asks. */
  private final NDArray queryWeight;
  private final NDArray queryBias;
  /** Key and value projections in one [2 * hidden, hidden] matrix (a view of qkv's rows), for the last layer. */
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
  TorchEncoderLayer(BertConfig config, TorchBf16Cast bf16, Function<String, NDArray> weight) {
    this.config = config;
    this.bf16 = bf16;
    float scale = (float) (1 / Math.sqrt(config.headSize()));
    NDArray scaledQuery = scaled(weight.apply("attention.self.query.weight"), scale);
    NDArray scaledQueryBias = scaled(weight.apply("attention.self.query.bias"), scale);
    NDArray keyWeight = weight.apply("attention.self.key.weight");
    NDArray keyBias = weight.apply("attention.self.key.bias");
    NDArray valueWeight = weight.apply("attention.self.value.weight");
    NDArray valueBias = weight.apply("attention.self.value.bias");
    qkvWeight = cast(NDArrays.concat(new NDList(scaledQuery, keyWeight, valueWeight), 0));
    qkvBias = cast(NDArrays.concat(new NDList(scaledQueryBias, keyBias, valueBias), 0));
    for (NDArray part : new NDArray[] {scaledQuery, scaledQueryBias, keyWeight, keyBias, valueWeight, valueBias}) {
      part.close(); // only their concatenation is kept
    }
    // Views of the fused rows, not copies: row slices of a contiguous matrix are contiguous.
    String queryRows = "0:" + config.hidden();
    String keyValueRows = config.hidden() + ":";
    queryWeight = qkvWeight.get(queryRows);
    queryBias = qkvBias.get(queryRows);
    kvWeight = qkvWeight.get(keyValueRows);
    kvBias = qkvBias.get(keyValueRows);
    attentionOutWeight = cast(weight.apply("attention.output.dense.weight"));
    attentionOutBias = cast(weight.apply("attention.output.dense.bias"));
    attentionNormWeight = weight.apply("attention.output.LayerNorm.weight");
    attentionNormBias = weight.apply("attention.output.LayerNorm.bias");
    intermediateWeight = cast(weight.apply("intermediate.dense.weight"));
    intermediateBias = cast(weight.apply("intermediate.dense.bias"));
    outputWeight = cast(weight.apply("output.dense.weight"));
    outputBias = cast(weight.apply("output.dense.bias"));
    outputNormWeight = weight.apply("output.LayerNorm.weight");
    outputNormBias = weight.apply("output.LayerNorm.bias");
  }

  private static NDArray scaled(NDArray weight, float scale) {
    NDArray out = weight.mul(scale);
    weight.close();
    return out;
  }

  /** The weight in the matmul type, the fp32 original freed: the cast happens once, here. */
  private NDArray cast(NDArray fp32) {
    if (bf16 == null) {
      return fp32;
    }
    NDArray cast = bf16.apply(fp32);
    fp32.close();
    return cast;
  }

  /**
   * {@code x} is {@code [batch, length, hidden]} and {@code maskBias} {@code [batch, 1, 1, length]}, both
   * fp32. With {@code clsOnly} only position 0 attends and goes on (shape
   * {@code [batch, 1, hidden]}). Returns fp32.
   */
  NDArray forward(NDArray x, NDArray maskBias, boolean clsOnly) {
    long batch = x.getShape().get(0);
    long length = x.getShape().get(1);
    int heads = config.heads();
    int headSize = config.headSize();

    NDArray query;
    NDArray q;
    NDArray kv;
    NDArray input = toMatmulType(x);
    if (clsOnly) {
      query = x.get(":, 0:1, :");
      q = linear(input.get(":, 0:1, :"), queryWeight, queryBias).reshape(batch, 1, heads, headSize).transpose(0, 2, 1, 3);
      // [2, batch, heads, length, headSize]: keys then values
      kv = linear(input, kvWeight, kvBias).reshape(batch, length, 2, heads, headSize).transpose(2, 0, 3, 1, 4);
    } else {
      query = x;
      NDArray qkv = linear(input, qkvWeight, qkvBias).reshape(batch, length, 3, heads, headSize).transpose(2, 0, 3, 1, 4);
      q = qkv.get(0);
      kv = qkv.get("1:");
    }
    long queries = clsOnly ? 1 : length;
    // Scores plus the fp32 mask are fp32, so softmax runs in fp32 (and DJL can name its type).
    NDArray probabilities = toMatmulType(q.matMul(kv.get(0).transpose(0, 1, 3, 2)).add(maskBias).softmax(-1));
    NDArray context = probabilities.matMul(kv.get(1)).transpose(0, 2, 1, 3).reshape(batch, queries, config.hidden());

    NDArray attended = layerNorm(linear(context, attentionOutWeight, attentionOutBias).add(query),
        attentionNormWeight, attentionNormBias, config);
    NDArray intermediate = linear(toMatmulType(attended), intermediateWeight, intermediateBias);
    NDArray activated = intermediate.getNDArrayInternal().gelu();
    return layerNorm(linear(activated, outputWeight, outputBias).add(attended), outputNormWeight, outputNormBias, config);
  }

  private NDArray toMatmulType(NDArray fp32) {
    return bf16 == null ? fp32 : bf16.apply(fp32);
  }

  private static NDArray linear(NDArray input, NDArray weight, NDArray bias) {
    return input.getNDArrayInternal().linear(input, weight, bias).singletonOrThrow();
  }

  static NDArray layerNorm(NDArray input, NDArray weight, NDArray bias, BertConfig config) {
    return input.getNDArrayInternal()
        .layerNorm(input, new Shape(config.hidden()), weight, bias, config.layerNormEps()).singletonOrThrow();
  }
}
