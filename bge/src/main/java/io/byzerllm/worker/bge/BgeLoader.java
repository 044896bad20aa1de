package io.byzerllm.worker.bge;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the model an {@link EngineChoice} names: its encoder (ONNX Runtime fp32 or int8, TorchScript, or
 * the PyTorch forward pass in fp32 or bf16) and its tokenizer. For {@code bge.precision=auto} it loads
 * both candidates, races them and keeps the faster. On a worker of two or more threads whose passes run on
 * the PyTorch forward pass on CPU, and with {@code lonePasses}, a text that comes alone runs on the same
 * encoder with its pass spread over all the worker's threads ({@link LoadedModel#lonePass()}).
 * Blocks; the caller holds {@link LoadedModels}' lock.
 */
final class BgeLoader {
  private static final Logger LOG = LoggerFactory.getLogger(BgeLoader.class);

  private BgeLoader() {}

  static LoadedModel load(BgeModelFiles files, EngineChoice choice, Device device, int threads, Path cache,
                          boolean lonePasses) {
    int loneThreads = lonePasses && threads >= 2 && !device.isGpu() ? threads : 0;
    if (choice.precision() == Precision.AUTO) {
      return race(files, choice, device, threads, cache, loneThreads);
    }
    BertEncoder encoder = encoder(files, choice, device, threads, cache);
    if (encoder instanceof TorchBertEncoder t) {
      return kept(choice, files, t, loneThreads, Math.min(BgeTokenizer.MAX_TOKENS, t.maxPositions()));
    }
    return kept(choice, files, encoder, Optional.empty(), BgeTokenizer.MAX_TOKENS);
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
   * ({@link EncoderRace}) and keeps the faster, closing the other. Should bf16 fail to load, fp32 stays, and
   * the reason says why.
   */
  private static LoadedModel race(BgeModelFiles files, EngineChoice auto, Device device, int threads, Path cache,
                                  int loneThreads) {
    BertEncoder fp32 = OnnxBertEncoder.load(files.onnx(), device, threads, "fp32");
    TorchBertEncoder bf16;
    try {
      bf16 = TorchBertEncoder.load(BertWeights.load(files, cache), device, Precision.BF16);
    } catch (RuntimeException e) {
      LOG.warn("{}: bf16 on PyTorch did not load; keeping fp32 on OnnxRuntime", files.name(), e);
      return kept(new EngineChoice(InferEngine.ONNX, EngineChoice.Weights.ONNX, Precision.FP32,
          "auto: fp32 OnnxRuntime, bf16 PyTorch failed to load (" + e.getMessage() + ")"), files, fp32,
          Optional.empty(), BgeTokenizer.MAX_TOKENS);
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
    if (choice.precision() == Precision.BF16) {
      fp32.close();
      return kept(choice, files, bf16, loneThreads, maxTokens);
    }
    bf16.close();
    return kept(choice, files, fp32, Optional.empty(), maxTokens);
  }

  /**
   * A PyTorch forward pass runs on one intra-op thread per batching thread, passes side by side; with
   * {@code loneThreads} a text alone runs its pass over that many (docs/benchmarks.md).
   */
  private static LoadedModel kept(EngineChoice choice, BgeModelFiles files, TorchBertEncoder encoder, int loneThreads,
                                  int maxTokens) {
    if (loneThreads == 0) {
      return kept(choice, files, encoder, Optional.empty(), maxTokens);
    }
    return kept(choice.withReason(choice.reason() + "; a text alone on an idle worker: its pass over " + loneThreads
        + " threads"), files, encoder, Optional.of(encoder.spreadOver(loneThreads)), maxTokens);
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
