package io.byzerllm.server.link;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.actor.Failure;
import io.byzerllm.worker.actor.LocalWorker;
import io.byzerllm.worker.actor.LocalWorkers;
import io.byzerllm.worker.actor.RemoteAnswer;
import io.byzerllm.worker.actor.StreamEvent;
import io.byzerllm.worker.actor.WorkerReply;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of node links: other nodes of the cluster call this node's workers over plain
 * TCP ({@link LinkConnection} is the calling end), one call (or stream) at a time per connection. Each
 * connection's thread waits in a blocking read, takes a call, hands it to the worker under its
 * atomic permit and reads on (seeing at once when the caller closes, which cancels the call); the
 * answer is written by whichever thread has it. Only the cluster's members may connect.
 */
public final class NodeLinkServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLinkServer.class);

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sequence = new AtomicInteger();
  private volatile boolean closed;

  private NodeLinkServer(ServerSocket server) {
    this.server = server;
  }

  /** Listens on {@code host:port} (0: any free port; {@link #port} tells which). */
  public static NodeLinkServer bind(String host, int port) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port), 128);
      return new NodeLinkServer(s);
    } catch (IOException e) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "cannot open the node link port " + host + ":" + port + " ("
          + e.getMessage() + "); set byzerllm.server.link.port to a free port, or 0 for any");
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /**
   * Starts taking calls for {@code workers} from peers {@code member} accepts; a stream's events are
   * written on {@code writers} (a write may wait on a slow peer; the stream's own thread never does),
   * and a caller's node that falls {@code streamBuffer} frames behind has its stream ended.
   */
  public void serve(LocalWorkers workers, LinkFrames frames, Predicate<InetAddress> member, Materializer materializer,
                    Executor writers, int streamBuffer) {
    Thread acceptor = new Thread(() -> accept(workers, frames, member, materializer, writers, streamBuffer), "link-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(LocalWorkers workers, LinkFrames frames, Predicate<InetAddress> member, Materializer materializer,
                      Executor writers, int streamBuffer) {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("the node link stopped accepting: {}", e.getMessage());
        }
        return;
      }
      if (!member.test(s.getInetAddress())) {
        LOG.warn("refused a node link connection from {}: not a member of this cluster", s.getInetAddress());
        closeQuietly(s);
        continue;
      }
      open.add(s);
      if (closed) {
        closeQuietly(s);
        return;
      }
      Session session = new Session(s, workers, frames, materializer, writers, streamBuffer);
      Thread t = new Thread(session::run, "link-in-" + sequence.incrementAndGet());
      t.setDaemon(true);
      t.start();
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    open.forEach(NodeLinkServer::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing is all that is left to do
    }
  }

  /**
   * One connection: calls one after another, each answered from the thread that has its answer. A
   * stream's events follow its opening reply on the same connection, then its end; the caller
   * closing the connection cancels what runs for it.
   */
  private final class Session {
    private final Socket socket;
    private final LocalWorkers workers;
    private final LinkFrames frames;
    private final Materializer materializer;
    private final Executor writers;
    private final int streamBuffer;
    /** A stream's frames waiting for the writer (guarded by itself); {@code draining}: a writer task is on them. */
    private final ArrayDeque<byte[]> streamFrames = new ArrayDeque<>();
    private boolean draining;
    private OutputStream out;
    private volatile CompletableFuture<?> current = CompletableFuture.completedFuture(null);
    private volatile LocalWorker.LocalStream opening;
    private volatile UniqueKillSwitch streaming;

    Session(Socket socket, LocalWorkers workers, LinkFrames frames, Materializer materializer, Executor writers,
            int streamBuffer) {
      this.socket = socket;
      this.workers = workers;
      this.frames = frames;
      this.materializer = materializer;
      this.writers = writers;
      this.streamBuffer = streamBuffer;
    }

    void run() {
      try {
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        byte[] body;
        while ((body = frames.read(in)) != null) {
          take(frames.call(body));
        }
      } catch (IOException e) {
        // the caller went away or sent what is no call: end the connection
      } finally {
        // a call or stream whose caller went away is withdrawn or cancelled here too
        current.cancel(true);
        UniqueKillSwitch s = streaming;
        if (s != null) {
          s.shutdown();
        }
        open.remove(socket);
        closeQuietly(socket);
      }
    }

    private void take(LinkCall call) {
      LocalWorker worker = workers.byActorName(call.worker());
      if (worker == null) {
        reply(WorkerReply.failed(call.id(), Failure.of(ErrorKind.UNAVAILABLE, "the worker " + call.worker()
            + " no longer serves on this node (draining or stopped); retry"), false));
        return;
      }
      current = RemoteAnswer.answer(worker, call.id(), call.work(), this::reply, stream -> {
        opening = stream; // runs once its opening reply is written
        return null;
      });
    }

    private void reply(WorkerReply reply) {
      write(LinkAnswer.of(reply), reply.id());
      LocalWorker.LocalStream stream = opening;
      if (stream != null && !reply.isProgress()) {
        opening = null;
        run(stream);
      }
    }

    /**
     * The stream's events, each as it comes, then its end. The stream's thread only queues their frames;
     * one writer task at a time writes what has queued, so a peer slow to read never holds that thread,
     * and one a whole buffer behind ends the stream.
     */
    private void run(LocalWorker.LocalStream stream) {
      Pair<UniqueKillSwitch, CompletionStage<Done>> running = stream.events()
          .viaMat(KillSwitches.single(), Keep.right())
          .toMat(Sink.<StreamEvent>foreach(e -> writeLater(frames.frame(LinkAnswer.of(e)))), Keep.both())
          .run(materializer);
      streaming = running.first();
      running.second().whenComplete((done, error) -> {
        streaming = null;
        writeLater(frames.frame(LinkAnswer.streamEnd()));
      });
    }

    private void writeLater(byte[] frame) {
      synchronized (streamFrames) {
        if (streamFrames.size() >= streamBuffer) {
          closeQuietly(socket); // the caller's node fell a whole buffer behind: end the stream (the read loop cleans up)
          return;
        }
        streamFrames.add(frame);
        if (draining) {
          return;
        }
        draining = true;
      }
      writers.execute(this::drainStreamFrames);
    }

    private void drainStreamFrames() {
      while (true) {
        byte[] frame;
        synchronized (streamFrames) {
          frame = streamFrames.poll();
          if (frame == null) {
            draining = false;
            return;
          }
        }
        writeFrame(frame);
      }
    }

    private void write(LinkAnswer answer, long id) {
      byte[] frame;
      try {
        frame = frames.frame(answer);
      } catch (IllegalArgumentException tooLarge) {
        Failure failure = Failure.of(ErrorKind.INTERNAL, tooLarge.getMessage());
        frame = frames.frame(answer.reply() != null ? LinkAnswer.of(WorkerReply.failed(id, failure, true))
            : LinkAnswer.of(StreamEvent.failed(failure)));
      }
      writeFrame(frame);
    }

    private void writeFrame(byte[] frame) {
      try {
        synchronized (this) {
          LinkFrames.write(out, frame);
        }
      } catch (IOException e) {
        closeQuietly(socket); // the caller is gone; the read loop ends and cleans up
      }
    }
  }
}
