package io.byzerllm.worker.bge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The choice of engine and number format as plain code: CPU flags, the race's figures, refusals. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class EngineChoiceTest {
  private static final Path DIR = Path.of("/models/bge");
  private static final BgeModelFiles ONNX_EXPORT = new BgeModelFiles("bge", DIR, DIR.resolve("model.onnx"), null, null,
      null, DIR.resolve("tokenizer.json"), "");
  private static final BgeModelFiles TORCHSCRIPT_ONLY = new BgeModelFiles("bge", DIR, null, DIR.resolve("model.pt"),
      null, null, DIR.resolve("tokenizer.json"), "");
  private static final CpuFlags ZEN4 = CpuFlags.parse("processor\t: 0\nflags\t\t: fpu sse avx2 avx512f avx512_vnni "
      + "avx512_bf16\n\nprocessor\t: 1\nflags\t\t: fpu sse avx2 avx512f avx512_vnni avx512_bf16\n", "cpuinfo");
  private static final CpuFlags AVX2_ONLY = CpuFlags.parse("flags : fpu sse avx2 fma\n", "cpuinfo");

  @Test
  void parse_cpuinfo_findsTheBf16FlagsOnly() {
    assertThat(ZEN4.bf16Flags()).containsExactly("avx512_bf16");
    assertThat(CpuFlags.parse("flags : amx_bf16 amx_tile avx512_bf16\n", "x").bf16Flags())
        .containsExactly("amx_bf16", "avx512_bf16");
    assertThat(AVX2_ONLY.hasBf16()).isFalse();
    assertThat(CpuFlags.parse("no flags here", "x").hasBf16()).isFalse();
  }

  @Test
  void choose_autoWithoutBf16Flags_fp32OnnxRuntimeWithoutARace() {
    EngineChoice c = EngineChoice.choose(ONNX_EXPORT, null, false, Precision.AUTO, AVX2_ONLY);

    assertThat(c.precision()).isEqualTo(Precision.FP32); // AUTO would mean: race at load
    assertThat(c.engine()).isEqualTo(InferEngine.ONNX);
    assertThat(c.reason()).contains("bf16 not tried", "amx_bf16", "avx512_bf16");
  }

  @Test
  void choose_autoWithBf16Flags_raceAtLoadNamingTheFlag() {
    EngineChoice c = EngineChoice.choose(ONNX_EXPORT, null, false, Precision.AUTO, ZEN4);

    assertThat(c.precision()).isEqualTo(Precision.AUTO);
    assertThat(c.reason()).contains("whichever measures faster", "avx512_bf16");
  }

  @Test
  void raced_bf16Faster_bf16PyTorchWithBothFigures() {
    EngineChoice auto = EngineChoice.choose(ONNX_EXPORT, null, false, Precision.AUTO, ZEN4);

    EngineChoice c = auto.raced(new EngineChoice.Timings(2.5, 4.0, 4));

    assertThat(c.engine()).isEqualTo(InferEngine.PYTORCH);
    assertThat(c.precision()).isEqualTo(Precision.BF16);
    assertThat(c.weights()).isEqualTo(EngineChoice.Weights.BERT_WEIGHTS);
    assertThat(c.reason()).contains("bf16 PyTorch 2.50 ms/sentence", "fp32 OnnxRuntime 4.00 ms/sentence",
        "bge.precision=fp32 forces fp32");
  }

  @Test
  void raced_fp32FasterOrTied_fp32OnnxRuntimeWithBothFigures() {
    EngineChoice auto = EngineChoice.choose(ONNX_EXPORT, null, false, Precision.AUTO, ZEN4);

    EngineChoice slower = auto.raced(new EngineChoice.Timings(5.0, 4.0, 4));
    EngineChoice tied = auto.raced(new EngineChoice.Timings(4.0, 4.0, 4));

    assertThat(slower.engine()).isEqualTo(InferEngine.ONNX);
    assertThat(slower.precision()).isEqualTo(Precision.FP32);
    assertThat(slower.reason()).contains("bf16 PyTorch 5.00 ms/sentence", "fp32 OnnxRuntime 4.00 ms/sentence");
    assertThat(tied.precision()).isEqualTo(Precision.FP32);
  }

  @Test
  void choose_autoWithAGivenEngineOrGpu_fp32WithoutARace() {
    assertThat(EngineChoice.choose(ONNX_EXPORT, InferEngine.PYTORCH, false, Precision.AUTO, ZEN4).precision())
        .isEqualTo(Precision.FP32);
    assertThat(EngineChoice.choose(ONNX_EXPORT, null, true, Precision.AUTO, ZEN4))
        .satisfies(c -> assertThat(c.precision()).isEqualTo(Precision.FP32))
        .satisfies(c -> assertThat(c.engine()).isEqualTo(InferEngine.PYTORCH));
  }

  @Test
  void choose_fp32WithBf16Flags_fp32OnnxRuntime() {
    EngineChoice c = EngineChoice.choose(ONNX_EXPORT, null, false, Precision.FP32, ZEN4);

    assertThat(c.precision()).isEqualTo(Precision.FP32);
    assertThat(c.engine()).isEqualTo(InferEngine.ONNX);
  }

  @Test
  void choose_bf16WithoutTheFlags_refusedNamingTheFlagAndTheFix() {
    assertThatThrownBy(() -> EngineChoice.choose(ONNX_EXPORT, null, false, Precision.BF16, AVX2_ONLY))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("bge.precision=bf16 needs a CPU with the avx512_bf16 or amx_bf16 flag")
        .hasMessageContaining("use bge.precision=auto or fp32");
    assertThat(EngineChoice.choose(ONNX_EXPORT, null, true, Precision.BF16, AVX2_ONLY).engine())
        .as("a GPU needs no CPU flags").isEqualTo(InferEngine.PYTORCH);
  }

  @Test
  void choose_bf16OnOnnxOrTorchScript_refusedNamingTheFix() {
    assertThatThrownBy(() -> EngineChoice.choose(ONNX_EXPORT, InferEngine.ONNX, false, Precision.BF16, ZEN4))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("drop --infer_backend onnx");
    assertThatThrownBy(() -> EngineChoice.choose(TORCHSCRIPT_ONLY, null, false, Precision.BF16, ZEN4))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("TorchScript export runs in fp32 only");
  }

  @Test
  void deploy_unknownPrecision_refusedInOneLineNamingTheParamAndTheValues() {
    assertThatThrownBy(() -> ModelSpec.of("emb", ModelType.CUSTOM_BGE, Map.of("bge.precision", "fp16")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage("--infer_params bge.precision must be auto, fp32, bf16 or int8 (got 'fp16')");
    assertThat(Precision.from(ModelSpec.of("emb", ModelType.CUSTOM_BGE, Map.of("bge.precision", " BF16 "))))
        .isEqualTo(Precision.BF16);
    assertThat(Precision.from(ModelSpec.of("emb", ModelType.CUSTOM_BGE, Map.of()))).isEqualTo(Precision.AUTO);
    assertThat(Set.of(Precision.values())).hasSize(4);
  }
}
