package io.byzerllm.worker.actor;

import io.byzerllm.worker.ChatConventions;
import io.byzerllm.worker.ModelBackend;
import java.util.concurrent.CompletionStage;

/** Maps each kind of {@link Work} (but streams) onto its backend call. */
final class WorkDispatch {
  private WorkDispatch() {}

  static CompletionStage<?> run(ModelBackend backend, Work work) {
    if (work instanceof Work.Chat c) {
      return ChatConventions.chat(backend, c.call());
    }
    if (work instanceof Work.Forward f) {
      return backend.forwardChat(f.call());
    }
    if (work instanceof Work.Embed e) {
      return backend.embed(e.call());
    }
    if (work instanceof Work.Speak s) {
      return backend.speech(s.call());
    }
    if (work instanceof Work.Transcribe t) {
      return backend.transcribe(t.call());
    }
    if (work instanceof Work.Draw d) {
      return backend.generateImage(d.call());
    }
    throw new IllegalStateException("no dispatch for " + work.getClass().getSimpleName());
  }
}
