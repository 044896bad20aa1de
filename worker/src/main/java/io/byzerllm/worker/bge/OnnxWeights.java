package io.byzerllm.worker.bge;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a BERT ONNX export, read from the graph's initializers and named as HuggingFace
 * names them ({@code encoder.layer.0.attention.self.query.weight}, Linear weights in PyTorch's
 * {@code [out, in]} layout), so the PyTorch engine can run the same model without a TorchScript file.
 *
 * <p>Exporters keep parameter names on biases and layer norms but turn each Linear weight into an
 * anonymous, transposed MatMul operand ({@code onnx::MatMul_541}); the MatMul node's own name
 * ({@code /encoder/layer.0/attention/self/query/MatMul}) says which Linear it was.
 */
final class OnnxWeights {
  private static final int GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int FLOAT = 1;
  private static final int INT64 = 7;
  private static final String FIRST_ATTENTION = "/encoder/layer.0/attention/self/";

  private OnnxWeights() {}

  /**
   * The BERT weights of an ONNX export and what the graph says about its shape
   * ({@code num_attention_heads}); the tensors are views of a mapping of the file.
   */
  record Result(Map<String, FloatTensor> tensors, Map<String, String> hints) {}

  static Result bertTensors(Path onnxFile) {
    ByteBuffer file = map(onnxFile);
    ProtoReader model = new ProtoReader(file);
    Map<String, FloatTensor> initializers = new LinkedHashMap<>();
    List<Node> matMuls = new ArrayList<>();
    List<Node> attentionNodes = new ArrayList<>();
    while (model.next()) {
      if (model.field() != GRAPH) {
        model.skip();
        continue;
      }
      ProtoReader graph = new ProtoReader(model.bytes());
      while (graph.next()) {
        switch (graph.field()) {
          case GRAPH_NODE -> {
            Node node = Node.read(graph.bytes());
            if (node.opType().equals("MatMul") && node.inputs().size() == 2) {
              matMuls.add(node);
            } else if (node.name().startsWith(FIRST_ATTENTION)) {
              attentionNodes.add(node);
            }
          }
          case GRAPH_INITIALIZER -> readTensor(graph.bytes(), onnxFile, initializers);
          default -> graph.skip();
        }
      }
    }
    Map<String, FloatTensor> tensors = huggingFaceNames(initializers, matMuls);
    FloatTensor words = tensors.get("embeddings.word_embeddings.weight");
    Map<String, String> hints = new HashMap<>();
    if (words != null) {
      int heads = attentionHeads(attentionNodes, (int) words.shape()[1]);
      if (heads > 0) {
        hints.put("num_attention_heads", String.valueOf(heads));
      }
    }
    return new Result(tensors, hints);
  }

  /**
   * The head count, read off the first attention layer's reshape to {@code [batch, seq, heads,
   * head_size]}: a Concat of two constants whose product is the hidden size. 0 when not found.
   */
  private static int attentionHeads(List<Node> attentionNodes, int hidden) {
    Map<String, Long> constants = new HashMap<>();
    attentionNodes.stream().filter(n -> n.opType().equals("Constant") && n.intValue() != null)
        .forEach(n -> n.outputs().forEach(o -> constants.put(o, n.intValue())));
    for (Node concat : attentionNodes) {
      if (!concat.opType().equals("Concat")) {
        continue;
      }
      List<Long> values = concat.inputs().stream().map(constants::get).toList();
      for (int i = 0; i + 1 < values.size(); i++) {
        Long heads = values.get(i);
        Long size = values.get(i + 1);
        if (heads != null && size != null && heads > 0 && heads * size == hidden) {
          return heads.intValue();
        }
      }
    }
    return 0;
  }

  private static Map<String, FloatTensor> huggingFaceNames(Map<String, FloatTensor> initializers, List<Node> matMuls) {
    Map<String, FloatTensor> out = new HashMap<>();
    for (FloatTensor t : initializers.values()) {
      if (t.name().endsWith(".weight") || t.name().endsWith(".bias")) {
        out.put(canonical(t.name()), t.renamed(canonical(t.name())));
      }
    }
    for (Node node : matMuls) {
      FloatTensor weight = initializers.get(node.inputs().get(1));
      if (weight == null || weight.shape().length != 2 || !node.name().endsWith("/MatMul")) {
        continue;
      }
      String scope = node.name().substring(node.name().startsWith("/") ? 1 : 0, node.name().length() - "/MatMul".length());
      String name = canonical(scope.replace('/', '.') + ".weight");
      out.putIfAbsent(name, weight.transposed(name));
    }
    return out;
  }

  /** HuggingFace task models prefix the encoder's names with {@code bert.}; the bare model does not. */
  static String canonical(String name) {
    return name.startsWith("bert.") ? name.substring("bert.".length()) : name;
  }

  private static void readTensor(ByteBuffer bytes, Path file, Map<String, FloatTensor> out) {
    ProtoReader t = new ProtoReader(bytes);
    List<Long> dims = new ArrayList<>();
    long dataType = 0;
    String name = "";
    ByteBuffer data = null;
    while (t.next()) {
      switch (t.field()) {
        case 1 -> t.varints(dims);
        case 2 -> dataType = t.varint();
        case 4, 9 -> data = t.bytes(); // packed float_data or raw_data: both little-endian float32
        case 8 -> name = t.string();
        case 14 -> {
          if (t.varint() == 1) {
            throw new LlmException(ErrorKind.INVALID_REQUEST, "the ONNX export " + file
                + " keeps its weights in external data files; the PyTorch engine reads single-file exports only"
                + " (use --infer_backend onnx, or give model.safetensors)");
          }
        }
        default -> t.skip();
      }
    }
    if (dataType == FLOAT && data != null) {
      long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
      out.put(name, new FloatTensor(name, shape, data.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()));
    }
  }

  private static ByteBuffer map(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() > Integer.MAX_VALUE) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, "the ONNX export " + file + " is over 2 GiB; the PyTorch "
            + "engine reads it only as model.safetensors (use --infer_backend onnx, or give model.safetensors)");
      }
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ONNX export " + file, e);
    }
  }

  /** The parts of an ONNX NodeProto this reader needs: names, operands, and a Constant's int64 scalar. */
  private record Node(String name, String opType, List<String> inputs, List<String> outputs, Long intValue) {
    static Node read(ByteBuffer bytes) {
      ProtoReader r = new ProtoReader(bytes);
      String name = "";
      String op = "";
      List<String> inputs = new ArrayList<>();
      List<String> outputs = new ArrayList<>();
      Long value = null;
      while (r.next()) {
        switch (r.field()) {
          case 1 -> inputs.add(r.string());
          case 2 -> outputs.add(r.string());
          case 3 -> name = r.string();
          case 4 -> op = r.string();
          case 5 -> value = attributeInt(r.bytes());
          default -> r.skip();
        }
      }
      return new Node(name, op, inputs, outputs, value);
    }

    /** An AttributeProto's tensor value when it holds exactly one int64, else null. */
    private static Long attributeInt(ByteBuffer bytes) {
      ProtoReader a = new ProtoReader(bytes);
      Long value = null;
      while (a.next()) {
        if (a.field() == 5) {
          value = scalarInt64(a.bytes());
        } else {
          a.skip();
        }
      }
      return value;
    }

    private static Long scalarInt64(ByteBuffer bytes) {
      ProtoReader t = new ProtoReader(bytes);
      List<Long> dims = new ArrayList<>();
      List<Long> ints = new ArrayList<>();
      long type = 0;
      ByteBuffer raw = null;
      while (t.next()) {
        switch (t.field()) {
          case 1 -> t.varints(dims);
          case 2 -> type = t.varint();
          case 7 -> t.varints(ints);
          case 9 -> raw = t.bytes();
          default -> t.skip();
        }
      }
      if (type != INT64 || dims.stream().anyMatch(d -> d != 1)) {
        return null;
      }
      if (raw != null && raw.remaining() == 8) {
        return raw.getLong(0);
      }
      return ints.size() == 1 ? ints.get(0) : null;
    }
  }
}
