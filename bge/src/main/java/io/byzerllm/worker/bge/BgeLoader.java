package io.byzerllm.worker.bge;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the model an {@link EngineChoice} names: its encoder (ONNX Runtime fp32 or int8, TorchScript, or
 * the PyTorch forward pass in fp32 or bf16) and its tokenizer. For {@code bge.precision=auto} it loads
 * both candidates, races them and keeps the faster; when bf16 wins on a worker of two or more threads and
 * {@code lonePasses} holds, it keeps fp32 too, for texts that come alone ({@link LoadedModel#lonePass()}).
 * Blocks; the caller holds {@link LoadedModels}' lock.
 */
final class BgeLoader {
  private static final Logger LOG = LoggerFactory.getLogger(BgeLoader.class);

  private BgeLoader() {}

  static LoadedModel load(BgeModelFiles files, EngineChoice choice, Device device, int threads, Path cache,
                          boolean lonePasses) {
    if (choice.precision() == Precision.AUTO) {
      return race(files, choice, device, threads, cache, lonePasses && threads >= 2);
    }
    BertEncoder encoder = encoder(files, choice, device, threads, cache);
    return kept(choice, files, encoder, encoder instanceof TorchBertEncoder t
        ? Math.min(BgeTokenizer.MAX_TOKENS, t.maxPositions()) : BgeTokenizer.MAX_TOKENS);
  }

  private static BertEncoder encoder(BgeModelFiles files, EngineChoice choice, Device device, int threads, Path cache) {
    return switch (choice.weights()) {
      case ONNX -> choice.precision() == Precision.INT8
          ? OnnxBertEncoder.load(Int8OnnxExport.produce(files.onnx(), int8Dir(files, cache)), device, threads,
              "int8 MatMul weights quantized at load from " + files.onnx().getFileName())
          : OnnxBertEncoder.load(files.onnx(), device, threads, "fp32");
      case TORCHSCRIPT -> TorchScriptBertEncoder.load(files.torchScript(), device);
      case BERT_WEIGHTS -> TorchBertEncoder.load(BertWeights.load(files, cache), device, choice.precision());
    };
  }

  /**
   * {@code bge.precision=auto} on a CPU with bf16 instructions: loads both candidates, times them
   * ({@link EncoderRace}) and keeps the faster, closing the other, unless bf16 won and {@code lonePasses}:
   * bf16 runs each pass on one thread, which for a text alone on an idle worker is slower than fp32 on all
   * of them (docs/benchmarks.md). Should bf16 fail to load, fp32 stays, and the reason says why.
   */
  private static LoadedModel race(BgeModelFiles files, EngineChoice auto, Device device, int threads, Path cache,
                                  boolean lonePasses) {
    BertEncoder fp32 = OnnxBertEncoder.load(files.onnx(), device, threads, "fp32");
    TorchBertEncoder bf16;
    try {
      bf16 = TorchBertEncoder.load(BertWeights.load(files, cache), device, Precision.BF16);
    } catch (RuntimeException e) {
      LOG.warn("{}: bf16 on PyTorch did not load; keeping fp32 on OnnxRuntime", files.name(), e);
      return kept(new EngineChoice(InferEngine.ONNX, EngineChoice.Weights.ONNX, Precision.FP32,
          "auto: fp32 OnnxRuntime, bf16 PyTorch failed to load (" + e.getMessage() + ")"), files, fp32,
          BgeTokenizer.MAX_TOKENS);
    }
    int maxTokens = Math.min(BgeTokenizer.MAX_TOKENS, bf16.maxPositions());
    EngineChoice choice;
    try (BgeTokenizer tokenizer = BgeTokenizer.open(files.tokenizer(), maxTokens)) {
      choice = auto.raced(EncoderRace.run(tokenizer, bf16, fp32, threads));
    } catch (RuntimeException e) {
      fp32.close();
      bf16.close();
      throw e;
    }
    boolean bf16Won = choice.precision() == Precision.BF16;
    (bf16Won ? fp32 : bf16).close();
    if (bf16Won && lonePasses) {
      // A session of its own: its intra-op threads spin between operators, which a worker's main session must not
      // (they would take the cores that passes side by side need under load), but a pass alone gains by it
      // (docs/benchmarks.md).
      BertEncoder lone;
      try {
        lone = OnnxBertEncoder.load(files.onnx(), device, threads, "fp32", true);
      } catch (RuntimeException e) {
        LOG.warn("{}: fp32 for lone passes did not load; every pass runs on bf16", files.name(), e);
        return kept(choice, files, bf16, maxTokens);
      }
      return kept(choice.withReason(choice.reason() + "; a text alone on an idle worker: fp32 OnnxRuntime on "
          + threads + " threads"), files, bf16, Optional.of(lone), maxTokens);
    }
    return kept(choice, files, bf16Won ? bf16 : fp32, maxTokens);
  }

  private static LoadedModel kept(EngineChoice choice, BgeModelFiles files, BertEncoder encoder, int maxTokens) {
    return kept(choice, files, encoder, Optional.empty(), maxTokens);
  }

  private static LoadedModel kept(EngineChoice choice, BgeModelFiles files, BertEncoder encoder,
                                  Optional<BertEncoder> lonePass, int maxTokens) {
    try {
      return new LoadedModel(files, choice.engine(), choice.precision(), choice.reason(),
          BgeTokenizer.open(files.tokenizer(), maxTokens), encoder, lonePass);
    } catch (RuntimeException e) {
      encoder.close();
      lonePass.ifPresent(BertEncoder::close);
      throw e;
    }
  }

  /** One directory per source file: two models whose folders share a name must not share an int8 copy. */
  private static Path int8Dir(BgeModelFiles files, Path cache) {
    String source = files.onnx().toAbsolutePath().normalize().toString();
    return cache.resolve("bge-int8").resolve(files.name() + "-" + Integer.toHexString(source.hashCode()));
  }
}
