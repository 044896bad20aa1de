package io.byzerllm.worker.bge;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Casts a tensor to bfloat16 on the PyTorch engine. DJL 0.36's PyTorch JNI maps only its first eight
 * data types to libtorch's, so {@code toType(BFLOAT16)} aborts the JVM (an unmapped type ends in a bare
 * C++ {@code throw;}); a one-line TorchScript module, written here as a TorchScript archive and loaded
 * from memory, does the cast in libtorch instead. Nothing is read from disk or the network.
 *
 * <p>DJL reports a bf16 tensor's type as {@code UNKNOWN}: a bf16 array may go through operations that
 * take no data type (linear, matMul, add, gelu, reshape, transpose, get) and back with
 * {@code toType(FLOAT32)}, but never through one that passes its own type to the engine
 * ({@code softmax}, {@code toFloatArray}, arithmetic with a scalar), which would abort the same way.
 * Thread-safe: the module has no state.
 */
final class TorchBf16Cast implements AutoCloseable {
  /** libtorch's ScalarType::BFloat16. */
  private static final int BFLOAT16 = 15;
  private static final String CODE = "class Bf16(Module):\n"
      + "  __parameters__ = []\n"
      + "  __buffers__ = []\n"
      + "  training : bool\n"
      + "  def forward(self: __torch__.Bf16,\n"
      + "    x: Tensor) -> Tensor:\n"
      + "    return torch.to(x, " + BFLOAT16 + ")\n";

  private final PtSymbolBlock module;

  TorchBf16Cast(NDManager manager) {
    try {
      this.module = JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive()), false, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the bf16 cast module", e);
    }
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

  /**
   * A TorchScript archive of one module with no parameters: its code, and its pickled instance (pickle
   * protocol 2: the class, no constructor arguments, and the {@code training} attribute).
   */
  private static byte[] archive() throws IOException {
    ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    pickle.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
    pickle.write("c__torch__\nBf16\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
    pickle.write(new byte[] {')', (byte) 0x81, '}', '('}); // EMPTY_TUPLE NEWOBJ EMPTY_DICT MARK
    byte[] training = "training".getBytes(StandardCharsets.US_ASCII);
    pickle.write(new byte[] {'X', (byte) training.length, 0, 0, 0}); // BINUNICODE
    pickle.write(training);
    pickle.write(new byte[] {(byte) 0x88, 'u', 'b', '.'}); // NEWTRUE SETITEMS BUILD STOP
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      entry(zip, "archive/version", "3".getBytes(StandardCharsets.US_ASCII));
      entry(zip, "archive/code/__torch__.py", CODE.getBytes(StandardCharsets.UTF_8));
      entry(zip, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // an empty tuple
      entry(zip, "archive/data.pkl", pickle.toByteArray());
    }
    return bytes.toByteArray();
  }

  private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }
}
