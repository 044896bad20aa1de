package io.byzerllm.worker.saas;

import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import java.util.function.Consumer;

/**
 * A stream translated from any provider's framing: each event read by the wire's {@link ChunkReader}
 * into a {@link ChatDelta}, the whole answer put back together ({@link StreamedAnswer}) for {@code done}.
 */
final class TranslatedReading implements StreamReading {
  private final ChatCall call;
  private final WireFormat wire;
  private final ChunkReader chunks;
  private final Consumer<ChatDelta> onDelta;
  private final StreamedAnswer answer = new StreamedAnswer();

  TranslatedReading(ChatCall call, WireFormat wire, Consumer<ChatDelta> onDelta) {
    this.call = call;
    this.wire = wire;
    this.chunks = wire.chunkReader();
    this.onDelta = onDelta;
  }

  @Override
  public Step event(byte[] frame) {
    SseEvent e = SseEvent.of(frame);
    if (e == null) {
      return ChunkReader.Chunk.NOTHING;
    }
    ChunkReader.Chunk chunk = chunks.read(e.event(), e.data());
    return chunk instanceof ChunkReader.Chunk.Delta d ? deliver(d.delta(), d.model()) : (Step) chunk;
  }

  @Override
  public Step.Deliver whole(byte[] body) {
    ChatResult whole = wire.readChat(call.requestId(), body);
    return deliver(new ChatDelta(whole.content().isEmpty() ? null : whole.content(), whole.reasoningContent(),
        whole.finishReason(), whole.usage(), whole.toolCalls(), whole.thinkingBlocks()), whole.upstreamModel());
  }

  private Step.Deliver deliver(ChatDelta delta, String model) {
    return new Step.Deliver(() -> {
      answer.add(delta, model);
      if (!StreamedAnswer.isEmpty(delta)) {
        onDelta.accept(delta);
      }
    }, delta.content() != null || delta.reasoningContent() != null);
  }

  @Override
  public boolean finished() {
    return answer.finished();
  }

  @Override
  public ChatResult result(String requestId, double firstTokenMillis) {
    return answer.result(requestId, firstTokenMillis);
  }
}
