package io.byzerllm.worker.bge;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;

/**
 * Casts a tensor to bfloat16 on the PyTorch engine (the weights, at load). DJL 0.36's PyTorch JNI maps only
 * its first eight data types to libtorch's, so {@code toType(BFLOAT16)} aborts the JVM (an unmapped type ends
 * in a bare C++ {@code throw;}); a one-line {@link TorchScriptModule} does the cast in libtorch instead.
 *
 * <p>DJL reports a bf16 tensor's type as {@code UNKNOWN}: hand a bf16 array only to TorchScript or to
 * operations that take no data type, never to one that passes its own type to the engine
 * ({@code softmax}, {@code toFloatArray}, arithmetic with a scalar), which would abort the same way.
 */
final class TorchBf16Cast implements AutoCloseable {
  /** libtorch's ScalarType::BFloat16. */
  private static final int BFLOAT16 = 15;
  private static final String CODE = "  def forward(self: __torch__.Bf16,\n"
      + "    x: Tensor) -> Tensor:\n"
      + "    return torch.to(x, " + BFLOAT16 + ")\n";

  private final PtSymbolBlock module;

  TorchBf16Cast(NDManager manager) {
    this.module = TorchScriptModule.load(manager, "Bf16", CODE);
  }

  /** {@code tensor} in bfloat16, attached to {@code tensor}'s manager. */
  NDArray apply(NDArray tensor) {
    try (IValue in = IValue.from((PtNDArray) tensor); IValue out = module.forward(in)) {
      return out.toTensor((PtNDManager) tensor.getManager());
    }
  }

  @Override
  public void close() {
    module.close();
  }
}
