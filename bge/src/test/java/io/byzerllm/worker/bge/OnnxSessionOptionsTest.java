package io.byzerllm.worker.bge;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ONNX Runtime options of a worker's session: its intra-op threads never spin on cores the node shares. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class OnnxSessionOptionsTest {
  @Test
  void sessionOptions_neverSpin() {
    try (OrtSession.SessionOptions options = OnnxBertEncoder.sessionOptions()) {
      assertThat(options.getConfigEntries()).containsEntry("session.intra_op.allow_spinning", "0");
    }
  }
}
