package io.byzerllm.worker.bge;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The int8 variant of a BERT ONNX export ({@code bge.precision=int8}), produced here from the fp32 file:
 * dynamic quantization of the MatMul weights, as ONNX Runtime's {@code quantize_dynamic} does it, but
 * per output column. Each {@code MatMul(X, W)} whose {@code W} is a 2-D float initializer becomes
 * <pre>
 *   DynamicQuantizeLinear(X) -> Xq, Xs, Xzp         (uint8 activations, one scale per call)
 *   MatMulInteger(Xq, Wq, Xzp) -> int32              (Wq: int8, symmetric, one scale per column)
 *   Cast(float) * (Xs * Ws) -> Y
 * </pre>
 * which ONNX Runtime's optimizer fuses into its integer matrix multiply. Embeddings, layer norms, biases
 * and the attention products (no initializer operand) stay fp32. Weights shrink about 4x; the rest of
 * the file is copied field by field.
 */
final class Int8OnnxExport {
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_OPSET = 8;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int FLOAT = 1;
  private static final int INT8 = 3;
  private static final int ATTRIBUTE_INT = 2;
  /** DynamicQuantizeLinear arrived in opset 11. */
  private static final long MIN_OPSET = 11;

  private Int8OnnxExport() {}

  /**
   * The int8 file for {@code fp32}, written once into {@code dir} (a new copy appears atomically, so
   * workers may call this at once) and reused while it is newer than its source.
   */
  static Path produce(Path fp32, Path dir) {
    Path target = dir.resolve(fp32.getFileName().toString().replace(".onnx", "") + "-int8.onnx");
    try {
      if (Files.isRegularFile(target) && Files.getLastModifiedTime(target).compareTo(Files.getLastModifiedTime(fp32)) >= 0) {
        return target;
      }
      Files.createDirectories(dir);
      byte[] quantized = quantize(OnnxWeights.map(fp32), fp32);
      Path temp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
      try {
        Files.write(temp, quantized);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the int8 variant of " + fp32 + " into " + dir, e);
    }
  }

  /** The whole rewritten model. */
  static byte[] quantize(ByteBuffer model, Path source) {
    ByteBuffer graphBytes = null;
    long opset = -1;
    ProtoReader r = new ProtoReader(model);
    while (r.next()) {
      if (r.field() == MODEL_GRAPH) {
        graphBytes = r.bytes();
      } else if (r.field() == MODEL_OPSET) {
        opset = Math.max(opset, defaultDomainVersion(r.bytes()));
      } else {
        r.skip();
      }
    }
    if (graphBytes == null) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "the ONNX export " + source + " holds no graph");
    }
    if (opset >= 0 && opset < MIN_OPSET) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "bge.precision=int8 needs an ONNX export of opset >= "
          + MIN_OPSET + "; " + source + " is opset " + opset + " (re-export it, or leave bge.precision at fp32)");
    }
    byte[] graph = quantizeGraph(graphBytes, source);
    ProtoWriter out = new ProtoWriter(graph.length + 1024);
    r = new ProtoReader(model);
    while (r.next()) {
      if (r.field() == MODEL_GRAPH) {
        r.skip();
        out.bytes(MODEL_GRAPH, graph);
      } else {
        out.copy(r);
      }
    }
    return out.toByteArray();
  }

  private static long defaultDomainVersion(ByteBuffer opsetId) {
    ProtoReader r = new ProtoReader(opsetId);
    String domain = "";
    long version = -1;
    while (r.next()) {
      switch (r.field()) {
        case 1 -> domain = r.string();
        case 2 -> version = r.varint();
        default -> r.skip();
      }
    }
    return domain.isEmpty() || domain.equals("ai.onnx") ? version : -1;
  }

  private record Weight(String name, int rows, int cols, FloatBuffer values) {}

  private record MatMul(String name, String input, String weight, String output) {}

  private static byte[] quantizeGraph(ByteBuffer graph, Path source) {
    Map<String, Weight> weights = new HashMap<>();
    Map<String, Integer> uses = new HashMap<>();
    List<MatMul> candidates = new ArrayList<>();
    ProtoReader g = new ProtoReader(graph);
    while (g.next()) {
      switch (g.field()) {
        case GRAPH_INITIALIZER -> {
          Weight w = matrix(g.bytes(), source);
          if (w != null) {
            weights.put(w.name(), w);
          }
        }
        case GRAPH_NODE -> {
          OnnxNode node = OnnxNode.read(g.bytes());
          node.inputs().forEach(i -> uses.merge(i, 1, Integer::sum));
          if (node.opType().equals("MatMul") && node.inputs().size() == 2 && node.outputs().size() == 1) {
            candidates.add(new MatMul(node.name(), node.inputs().get(0), node.inputs().get(1), node.outputs().get(0)));
          }
        }
        default -> g.skip();
      }
    }
    Map<String, MatMul> quantized = new HashMap<>();
    for (MatMul m : candidates) {
      if (weights.containsKey(m.weight()) && uses.get(m.weight()) == 1) {
        quantized.put(m.name() + "\u0000" + m.output(), m);
      }
    }
    Set<String> quantizedWeights = new HashSet<>();
    quantized.values().forEach(m -> quantizedWeights.add(m.weight()));

    ProtoWriter out = new ProtoWriter(graph.remaining() / 3);
    Map<String, String[]> quantizedInputs = new HashMap<>();
    g = new ProtoReader(graph);
    while (g.next()) {
      switch (g.field()) {
        case GRAPH_NODE -> {
          ByteBuffer bytes = g.bytes();
          OnnxNode node = OnnxNode.read(bytes);
          MatMul m = node.opType().equals("MatMul") && node.outputs().size() == 1
              ? quantized.get(node.name() + "\u0000" + node.outputs().get(0)) : null;
          if (m == null) {
            out.bytes(GRAPH_NODE, bytes);
          } else {
            writeInteger(out, m, quantizedInputs);
          }
        }
        case GRAPH_INITIALIZER -> {
          ByteBuffer bytes = g.bytes();
          Weight w = matrix(bytes, source);
          if (w != null && quantizedWeights.contains(w.name())) {
            writeQuantized(out, w);
          } else {
            out.bytes(GRAPH_INITIALIZER, bytes);
          }
        }
        case GRAPH_INPUT -> {
          // Old exports list initializers among the graph inputs too, typed float: drop the quantized ones.
          ByteBuffer bytes = g.bytes();
          if (!quantizedWeights.contains(valueInfoName(bytes))) {
            out.bytes(GRAPH_INPUT, bytes);
          }
        }
        default -> out.copy(g);
      }
    }
    return out.toByteArray();
  }

  /** The integer form of one MatMul; an input quantized for an earlier MatMul (Q, K and V share one) is reused. */
  private static void writeInteger(ProtoWriter out, MatMul m, Map<String, String[]> quantizedInputs) {
    String[] q = quantizedInputs.get(m.input());
    if (q == null) {
      String base = m.input() + "_int8";
      q = new String[] {base + "_quantized", base + "_scale", base + "_zero_point"};
      out.message(GRAPH_NODE, node(m.name() + "_DynamicQuantizeLinear", "DynamicQuantizeLinear",
          List.of(m.input()), List.of(q)));
      quantizedInputs.put(m.input(), q);
    }
    String base = m.name() + "_int8";
    out.message(GRAPH_NODE, node(base + "_MatMulInteger", "MatMulInteger",
        List.of(q[0], m.weight() + "_quantized", q[2]), List.of(base + "_int32")));
    out.message(GRAPH_NODE, node(base + "_Cast", "Cast", List.of(base + "_int32"), List.of(base + "_float"))
        .message(5, new ProtoWriter().string(1, "to").varint(3, FLOAT).varint(20, ATTRIBUTE_INT)));
    out.message(GRAPH_NODE, node(base + "_ScaleMul", "Mul", List.of(q[1], m.weight() + "_scale"),
        List.of(base + "_scale")));
    out.message(GRAPH_NODE, node(base + "_Mul", "Mul", List.of(base + "_float", base + "_scale"), List.of(m.output())));
  }

  private static ProtoWriter node(String name, String op, List<String> inputs, List<String> outputs) {
    ProtoWriter n = new ProtoWriter();
    inputs.forEach(i -> n.string(1, i));
    outputs.forEach(o -> n.string(2, o));
    return n.string(3, name).string(4, op);
  }

  /** Symmetric int8 per output column: scale = max |w| / 127, so 0 stays exactly 0 and no zero point is needed. */
  private static void writeQuantized(ProtoWriter out, Weight w) {
    float[] scales = new float[w.cols()];
    for (int k = 0; k < w.rows(); k++) {
      for (int n = 0; n < w.cols(); n++) {
        scales[n] = Math.max(scales[n], Math.abs(w.values().get(k * w.cols() + n)));
      }
    }
    for (int n = 0; n < scales.length; n++) {
      scales[n] = scales[n] == 0 ? 1f : scales[n] / 127f;
    }
    byte[] q = new byte[w.rows() * w.cols()];
    for (int k = 0; k < w.rows(); k++) {
      for (int n = 0; n < w.cols(); n++) {
        int i = k * w.cols() + n;
        q[i] = (byte) Math.max(-127, Math.min(127, Math.round(w.values().get(i) / scales[n])));
      }
    }
    ByteBuffer scaleBytes = ByteBuffer.allocate(scales.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    scaleBytes.asFloatBuffer().put(scales);
    out.message(GRAPH_INITIALIZER, new ProtoWriter().varint(1, w.rows()).varint(1, w.cols()).varint(2, INT8)
        .string(8, w.name() + "_quantized").bytes(9, q));
    out.message(GRAPH_INITIALIZER, new ProtoWriter().varint(1, w.cols()).varint(2, FLOAT)
        .string(8, w.name() + "_scale").bytes(9, scaleBytes.array()));
  }

  /** A 2-D float initializer with its data in the file, else null. */
  private static Weight matrix(ByteBuffer tensor, Path source) {
    FloatTensor t = OnnxWeights.floatTensor(tensor, source);
    if (t == null || t.shape().length != 2) {
      return null;
    }
    return new Weight(t.name(), (int) t.shape()[0], (int) t.shape()[1], t.data());
  }

  private static String valueInfoName(ByteBuffer valueInfo) {
    ProtoReader r = new ProtoReader(valueInfo);
    while (r.next()) {
      if (r.field() == 1) {
        return r.string();
      }
      r.skip();
    }
    return "";
  }

}
