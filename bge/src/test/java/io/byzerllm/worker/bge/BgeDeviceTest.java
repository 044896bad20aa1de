package io.byzerllm.worker.bge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.byzerllm.deploy.LlmException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which device a BGE worker runs on, given the GPUs placement gave it and the CUDA devices the engine can use. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class BgeDeviceTest {

  @Test
  void device_noGpusAsked_cpuWhateverTheMachineHas() {
    assertThat(DjlRuntime.device(InferEngine.PYTORCH, 0, List.of(), 4)).isEqualTo(Device.cpu());
    assertThat(DjlRuntime.device(InferEngine.ONNX, 0, List.of(), 0)).isEqualTo(Device.cpu());
  }

  @Test
  void device_gpuPlacedOnDeviceOne_runsOnGpuOne() {
    assertThat(DjlRuntime.device(InferEngine.PYTORCH, 1, List.of(1), 2)).isEqualTo(Device.gpu(1));
    assertThat(DjlRuntime.device(InferEngine.PYTORCH, 0.5, List.of(), 1)).isEqualTo(Device.gpu(0));
  }

  @Test
  void device_gpuAskedButCpuBuildOfPyTorch_refusalNamesTheCudaSettings() {
    assertThatThrownBy(() -> DjlRuntime.device(InferEngine.PYTORCH, 1, List.of(), 0))
        .isInstanceOf(LlmException.class)
        .hasMessageContaining("no CUDA device")
        .hasMessageContaining("PYTORCH_LIBRARY_PATH").hasMessageContaining("PYTORCH_VERSION=2.7.1")
        .hasMessageContaining("PYTORCH_FLAVOR=cu128").hasMessageContaining("--gpus_per_worker 0");
  }

  @Test
  void device_placedOnAGpuTheEngineDoesNotSee_refusalSaysHowManyItSees() {
    assertThatThrownBy(() -> DjlRuntime.device(InferEngine.PYTORCH, 1, List.of(2), 2))
        .hasMessageContaining("only 2 CUDA device(s)").hasMessageContaining("GPU 2 wanted");
  }

  @Test
  void device_gpuAskedOnOnnxRuntime_refusalPointsToThePyTorchEngine() {
    assertThatThrownBy(() -> DjlRuntime.device(InferEngine.ONNX, 1, List.of(), 0))
        .hasMessageContaining("--infer_backend transformers").hasMessageContaining("PYTORCH_LIBRARY_PATH");
  }
}
