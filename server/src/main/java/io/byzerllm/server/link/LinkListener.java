package io.byzerllm.server.link;

import io.byzerllm.worker.actor.StreamEvent;
import io.byzerllm.worker.actor.WorkerReply;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/** What a node link reports of the call it carries, from its reading thread (or a writer's, for a failed write). */
public interface LinkListener {
  /** News of the call's place in the worker's queue ({@link WorkerReply#isProgress()}). */
  void progress(WorkerReply news);

  /** The call's final reply; the connection is free for the next call once the listener {@link LinkConnection#release releases} it. */
  void replied(WorkerReply reply);

  /**
   * A stream's opening {@code reply}: its {@code events} follow (run them at once). The connection
   * carries them to the stream's end and then frees itself; a reader that goes away first closes it,
   * which cancels the stream on the worker's node.
   */
  void opened(WorkerReply reply, Source<StreamEvent, NotUsed> events);

  /**
   * The connection broke with call {@code id} on it: {@code sent} false when the call never left this
   * node whole (it may go another way), true when the other node may have it.
   */
  void broken(long id, boolean sent, String why);
}
