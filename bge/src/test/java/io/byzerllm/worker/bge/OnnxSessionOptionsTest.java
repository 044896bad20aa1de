package io.byzerllm.worker.bge;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ONNX Runtime options of a worker's sessions: the main one never spins, a lone-pass one only within a pass. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class OnnxSessionOptionsTest {
  @Test
  void sessionOptions_spinning_spinsWithinAPassAndStopsAfterIt() {
    try (OrtSession.SessionOptions options = OnnxBertEncoder.sessionOptions(true)) {
      assertThat(options.getConfigEntries())
          .containsEntry("session.intra_op.allow_spinning", "1")
          .containsEntry("session.force_spinning_stop", "1");
    }
  }

  @Test
  void sessionOptions_notSpinning_neverSpins() {
    try (OrtSession.SessionOptions options = OnnxBertEncoder.sessionOptions(false)) {
      assertThat(options.getConfigEntries())
          .containsEntry("session.intra_op.allow_spinning", "0")
          .doesNotContainKey("session.force_spinning_stop");
    }
  }
}
