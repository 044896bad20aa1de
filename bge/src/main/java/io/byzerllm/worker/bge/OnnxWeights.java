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
    List<OnnxNode> matMuls = new ArrayList<>();
    List<OnnxNode> attentionNodes = new ArrayList<>();
    while (model.next()) {
      if (model.field() != GRAPH) {
        model.skip();
        continue;
      }
      ProtoReader graph = new ProtoReader(model.bytes());
      while (graph.next()) {
        switch (graph.field()) {
          case GRAPH_NODE -> {
            OnnxNode node = OnnxNode.read(graph.bytes());
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
  private static int attentionHeads(List<OnnxNode> attentionNodes, int hidden) {
    Map<String, Long> constants = new HashMap<>();
    attentionNodes.stream().filter(n -> n.opType().equals("Constant") && n.intValue() != null)
        .forEach(n -> n.outputs().forEach(o -> constants.put(o, n.intValue())));
    for (OnnxNode concat : attentionNodes) {
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

  private static Map<String, FloatTensor> huggingFaceNames(Map<String, FloatTensor> initializers, List<OnnxNode> matMuls) {
    Map<String, FloatTensor> out = new HashMap<>();
    for (FloatTensor t : initializers.values()) {
      if (t.name().endsWith(".weight") || t.name().endsWith(".bias")) {
        out.put(canonical(t.name()), t.renamed(canonical(t.name())));
      }
    }
    for (OnnxNode node : matMuls) {
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
    FloatTensor t = floatTensor(bytes, file);
    if (t != null) {
      out.put(t.name(), t);
    }
  }

  /** An initializer (TensorProto) as a view of its float32 data, or null when it holds another type or no data. */
  static FloatTensor floatTensor(ByteBuffer bytes, Path file) {
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
                + " keeps its weights in external data files; the PyTorch engine and bge.precision=int8 read "
                + "single-file exports only (use --infer_backend onnx with fp32, or give model.safetensors)");
          }
        }
        default -> t.skip();
      }
    }
    if (dataType != FLOAT || data == null) {
      return null;
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    return new FloatTensor(name, shape, data.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
  }

  static ByteBuffer map(Path file) {
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
}
