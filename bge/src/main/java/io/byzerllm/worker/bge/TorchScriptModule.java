package io.byzerllm.worker.bge;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module compiled by libtorch from source held in this JVM: a TorchScript archive of one
 * class with no parameters (its code, and its pickled instance: the class, no constructor arguments,
 * and the {@code training} attribute, pickle protocol 2), loaded from memory. Nothing is read from disk
 * or the network, and no Python is needed to produce it.
 */
final class TorchScriptModule {
  private TorchScriptModule() {}

  /**
   * Compiles {@code code}, the body of {@code class <className>(Module)} in TorchScript's serialized
   * form (methods take {@code self: __torch__.<className>}), and loads an instance on {@code manager}'s device.
   */
  static PtSymbolBlock load(NDManager manager, String className, String code) {
    String source = "class " + className + "(Module):\n"
        + "  __parameters__ = []\n"
        + "  __buffers__ = []\n"
        + "  training : bool\n"
        + code;
    try {
      return JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive(className, source)), false,
          false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the TorchScript module " + className, e);
    }
  }

  private static byte[] archive(String className, String source) throws IOException {
    ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    pickle.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
    pickle.write(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
    pickle.write(new byte[] {')', (byte) 0x81, '}', '('}); // EMPTY_TUPLE NEWOBJ EMPTY_DICT MARK
    byte[] training = "training".getBytes(StandardCharsets.US_ASCII);
    pickle.write(new byte[] {'X', (byte) training.length, 0, 0, 0}); // BINUNICODE
    pickle.write(training);
    pickle.write(new byte[] {(byte) 0x88, 'u', 'b', '.'}); // NEWTRUE SETITEMS BUILD STOP
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      entry(zip, "archive/version", "3".getBytes(StandardCharsets.US_ASCII));
      entry(zip, "archive/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
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
