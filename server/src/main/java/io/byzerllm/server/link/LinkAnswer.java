package io.byzerllm.server.link;

import io.byzerllm.worker.CborSerializable;
import io.byzerllm.worker.actor.StreamEvent;
import io.byzerllm.worker.actor.WorkerReply;

/**
 * One frame from a worker's node back to the caller's: a {@link WorkerReply} (news of the queue, or
 * the final one), or, after a stream's opening reply, one of its events, or the stream's {@code end}.
 * Exactly one is set.
 */
public record LinkAnswer(WorkerReply reply, StreamEvent event, boolean end) implements CborSerializable {
  static LinkAnswer of(WorkerReply reply) {
    return new LinkAnswer(reply, null, false);
  }

  static LinkAnswer of(StreamEvent event) {
    return new LinkAnswer(null, event, false);
  }

  static LinkAnswer streamEnd() {
    return new LinkAnswer(null, null, true);
  }
}
