package io.byzerllm.server.link;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.actor.ReaderQueue;
import io.byzerllm.worker.actor.StreamEvent;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.actor.WorkerReply;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection to another node's link, carrying one call (or stream) at a time. Its own thread waits in a
 * blocking read for the whole life of the connection: idle, it sees at once that the other end
 * closed; busy, the kernel wakes it with the reply, which it hands to the call's listener (one wake
 * per reply). A small call is written by the caller's thread (an idle connection's send buffer is
 * empty, so the write does not block); a new connection's connect and a large call's write run on
 * the link's I/O threads. Closing a busy connection is how a call is abandoned: the other node sees
 * the end and cancels it.
 *
 * <p>{@code call} holds the id of the call in flight (0: none); whoever takes it (the reply, a
 * failure, an abandon) is the only one to report it. A stream keeps it from its opening reply to its
 * end: its events go into a bounded queue its reader runs (a reader a whole buffer behind ends it).
 */
public final class LinkConnection {
  /** Calls up to this size are written by the caller: they fit an empty send buffer. */
  static final int WRITE_ON_CALLER = 8 * 1024;
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final LinkPool pool;
  private final AtomicLong call = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Socket socket;
  private volatile OutputStream out;
  private volatile LinkListener listener;
  private volatile long idleSince;
  /** Whether the call in flight is a stream; its events' queue once it opened (read by the reading thread only). */
  private volatile boolean stream;
  private ReaderQueue events;
  /** Set once the open stream's end reached its queue (per stream: a late reader of an old one must not touch the next). */
  private AtomicBoolean streamEnded;

  LinkConnection(LinkPool pool) {
    this.pool = pool;
  }

  /** Sends {@code c}; what becomes of it reaches {@code to}. */
  public void send(LinkCall c, LinkListener to) {
    stream = c.work() instanceof Work.Stream || c.work() instanceof Work.ForwardStream;
    byte[] frame;
    try {
      frame = pool.frames.frame(c);
    } catch (IllegalArgumentException tooLarge) {
      listener = to;
      call.set(c.id());
      fail(false, tooLarge.getMessage());
      return;
    }
    listener = to;
    call.set(c.id());
    try {
      if (socket == null) {
        pool.io.execute(() -> {
          if (connect()) {
            write(frame);
          }
        });
      } else if (frame.length <= WRITE_ON_CALLER) {
        write(frame);
      } else {
        pool.io.execute(() -> write(frame));
      }
    } catch (RejectedExecutionException stopping) {
      fail(false, "this node is stopping");
    }
  }

  /** The call ended with its reply: the connection waits for the next one. */
  public void release() {
    idleSince = System.nanoTime();
    pool.release(this);
  }

  /** The call ended another way (deadline, its caller went away, its node was lost): close, which cancels it there. */
  public void abandon() {
    call.set(0);
    close();
  }

  boolean isClosed() {
    return closed.get();
  }

  long idleSince() {
    return idleSince;
  }

  private boolean connect() {
    try {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(pool.host, pool.port), 5_000);
      out = s.getOutputStream();
      socket = s;
      if (closed.get()) { // abandoned while connecting: close() may have missed the socket
        s.close();
        return false;
      }
    } catch (IOException e) {
      pool.unreachable.run();
      fail(false, "cannot connect to " + pool.host + ":" + pool.port + " (" + e.getMessage() + ")");
      return false;
    }
    Thread reader = new Thread(this::readReplies, "link-to-" + pool.nodeName + "-" + SEQUENCE.incrementAndGet());
    reader.setDaemon(true);
    reader.start();
    return true;
  }

  private void write(byte[] frame) {
    try {
      LinkFrames.write(out, frame);
    } catch (IOException e) {
      fail(false, "the write failed (" + e.getMessage() + ")");
    }
  }

  private void readReplies() {
    String why = "the node closed the connection";
    try {
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
      byte[] body;
      while ((body = pool.frames.read(in)) != null) {
        LinkAnswer answer = pool.frames.answer(body);
        String wrong = answer.reply() != null ? onReply(answer.reply())
            : answer.event() != null ? onEvent(answer.event()) : onStreamEnd();
        if (wrong != null) {
          why = wrong;
          break;
        }
      }
    } catch (IOException e) {
      why = "the connection broke (" + e.getMessage() + ")";
    }
    endStream(new LlmException(ErrorKind.UNAVAILABLE, "the stream from " + pool.nodeName + " broke off: " + why));
    fail(true, why);
  }

  /** Null, or what is wrong with the frame. */
  private String onReply(WorkerReply reply) {
    long current = call.get();
    if (reply.id() != current || events != null) {
      return "a reply to call " + reply.id() + " came while call " + current + " was in flight";
    }
    if (reply.isProgress()) {
      listener.progress(reply);
    } else if (stream && reply.failure() == null) {
      events = new ReaderQueue(pool.streamBuffer);
      AtomicBoolean ended = new AtomicBoolean();
      streamEnded = ended;
      listener.opened(reply, events.source().watchTermination((nu, done) -> {
        done.whenComplete((d, e) -> {
          if (!ended.get()) {
            abandon(); // the reader went away first: the worker's node stops the stream
          }
        });
        return nu;
      }));
    } else if (call.compareAndSet(current, 0)) {
      listener.replied(reply);
    }
    return null;
  }

  private String onEvent(StreamEvent event) {
    if (events == null) {
      return "a stream event came with no stream open";
    }
    if (event.done() != null || event.failure() != null) {
      streamEnded.set(true); // the last event: a reader that stops after it has not gone away early
    }
    if (!events.offer(event)) {
      return "the reader fell more than " + pool.streamBuffer + " events behind this stream";
    }
    return null;
  }

  /** The stream ended on the worker's node (its last event, done or failed, came before): the connection is free. */
  private String onStreamEnd() {
    if (events == null) {
      return "a stream end came with no stream open";
    }
    streamEnded.set(true);
    events.complete();
    events = null;
    call.set(0);
    release();
    return null;
  }

  private void endStream(Throwable why) {
    if (events != null) {
      streamEnded.set(true);
      events.fail(why);
      events = null;
    }
  }

  private void fail(boolean sent, String why) {
    long id = call.getAndSet(0);
    close();
    if (id != 0) {
      listener.broken(id, sent, why);
    }
  }

  private void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing is all that is left to do
      }
    }
    pool.closed(this);
  }
}
