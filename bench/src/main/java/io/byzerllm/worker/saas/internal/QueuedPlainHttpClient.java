package io.byzerllm.worker.saas.internal;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link PlainHttpClient} as it was before idle connections waited on their sockets, kept only so that
 * {@code UpstreamClientBench} can compare the two designs in one JVM: a queue between the caller and the
 * connection threads, so two sleeps and wakes of a connection thread per call (the queue's, then the
 * socket read's). Not used by any node.
 */
public final class QueuedPlainHttpClient implements AutoCloseable {
  private static final Object DONE = new Object();
  private final String host;
  private final int port;
  private final Duration connectTimeout;
  private final long keepAliveNanos;
  private final int maxConnections;
  private final String threadName;
  private final LinkedBlockingQueue<Call> queue = new LinkedBlockingQueue<>();
  /** Threads polling the queue minus the queued calls no thread was started for; below 0: calls wait for a thread. */
  private final AtomicInteger idle = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger threadNumber = new AtomicInteger();
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * A client for {@code http://host:port}; its threads are daemons named {@code threadName + n}.
   */
  public QueuedPlainHttpClient(String host, int port, Duration connectTimeout, Duration keepAlive, int maxConnections,
                         String threadName) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be >= 1 (got " + maxConnections + ")");
    }
    this.host = host;
    this.port = port;
    this.connectTimeout = connectTimeout;
    this.keepAliveNanos = keepAlive.toNanos();
    this.maxConnections = maxConnections;
    this.threadName = threadName;
  }

  /**
   * POSTs {@code body} to {@code request}'s URI (which must be on this client's origin) with
   * {@code request}'s headers; the request's own body publisher is not read. The future completes
   * on a connection thread, with the answer whatever its status.
   */
  public CompletableFuture<HttpResponse<byte[]>> post(HttpRequest request, byte[] body) {
    Call call = new Call(request, body);
    if (closed) {
      call.future.completeExceptionally(new IOException("the client for " + host + ":" + port + " is closed"));
      return call.future;
    }
    call.future.whenComplete((r, e) -> call.abandon()); // completed by the caller while under way: close its connection
    queue.add(call);
    if (idle.getAndDecrement() <= 0) {
      startWorker(); // no thread was waiting; at the limit, the call waits for the first that comes back
    }
    if (closed) {
      failQueued();
    }
    return call.future;
  }

  /** Connections open now (each with its thread). */
  public int openConnections() {
    return connections.get();
  }

  /** Closes every connection, idle or under way, and fails the calls still queued. */
  @Override
  public void close() {
    closed = true;
    for (Worker w : workers) {
      w.stop();
    }
    failQueued();
  }

  private void failQueued() {
    for (Call c = queue.poll(); c != null; c = queue.poll()) {
      c.future.completeExceptionally(new IOException("the client for " + host + ":" + port + " was closed"));
    }
  }

  /** Starts a connection thread unless the limit is reached; the thread counts itself idle when it first polls. */
  private void startWorker() {
    for (int n = connections.get(); n < maxConnections; n = connections.get()) {
      if (connections.compareAndSet(n, n + 1)) {
        Worker w = new Worker();
        Thread t = new Thread(w, threadName + threadNumber.incrementAndGet());
        t.setDaemon(true);
        w.thread = t;
        workers.add(w);
        t.start();
        return;
      }
    }
  }

  /** One call: its future, and who holds it now (null: queued; a connection: under way; DONE). */
  private static final class Call {
    final HttpRequest request;
    final byte[] body;
    final CompletableFuture<HttpResponse<byte[]>> future = new CompletableFuture<>();
    final AtomicReference<Object> holder = new AtomicReference<>();

    Call(HttpRequest request, byte[] body) {
      this.request = request;
      this.body = body;
    }

    /** False when the call was completed (cancelled) before its connection took it. */
    boolean take(Http1Connection c) {
      return holder.compareAndSet(null, c);
    }

    /** False when the caller completed the call while under way (its connection is closed then). */
    boolean release(Http1Connection c) {
      return holder.compareAndSet(c, DONE);
    }

    void abandon() {
      if (holder.getAndSet(DONE) instanceof Http1Connection c) {
        c.close();
      }
    }
  }

  /** A connection's thread: takes calls while the connection lives, opening it again when it was closed. */
  private final class Worker implements Runnable {
    volatile Thread thread;
    private volatile Http1Connection connection;

    @Override
    public void run() {
      try {
        boolean counted = false;
        for (Call call = next(counted); call != null && !closed; call = next(counted)) { // null: idle past the keep-alive
          counted = serve(call);
        }
      } finally {
        Http1Connection c = connection;
        if (c != null) {
          c.close();
        }
        workers.remove(this);
        connections.decrementAndGet();
        if (closed) {
          failQueued();
        } else if (!queue.isEmpty() && idle.get() < 0) {
          startWorker(); // a call came while this thread ended and counted against the limit: replace it
        }
      }
    }

    /**
     * The next call, or null once the connection has been idle for the keep-alive (or the client closed).
     * {@code counted}: this thread already counted itself idle (see {@link #serve}).
     */
    private Call next(boolean counted) {
      if (!counted) {
        idle.incrementAndGet();
      }
      while (true) {
        Call call;
        try {
          call = queue.poll(keepAliveNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          call = closed ? null : queue.poll();
        }
        if (call != null) {
          return call;
        }
        int n = idle.get();
        if (closed || (n > 0 && idle.compareAndSet(n, n - 1))) {
          return null;
        }
        // every polling thread is spoken for by a call on its way into the queue: wait for it
      }
    }

    /**
     * Runs one call. True when it completed the call's future, having first counted this thread idle: the
     * caller's continuation runs on this thread, and a call posted meanwhile (the next request of a
     * sequential caller) waits the moment it takes instead of opening another connection.
     */
    private boolean serve(Call call) {
      if (call.future.isDone()) {
        return false; // cancelled while it waited
      }
      Http1Connection c = connection;
      if (c == null || !c.reusable()) {
        try {
          c = Http1Connection.open(host, port, connectTimeout);
          connection = c;
        } catch (IOException | RuntimeException e) {
          connection = null;
          idle.incrementAndGet();
          call.future.completeExceptionally(e);
          return true;
        }
      }
      if (!call.take(c)) {
        return false;
      }
      HttpResponse<byte[]> answer;
      try {
        answer = c.exchange(call.request, call.body);
      } catch (IOException | RuntimeException e) {
        c.close();
        connection = null;
        call.release(c);
        idle.incrementAndGet();
        call.future.completeExceptionally(e);
        return true;
      }
      if (!call.release(c) || !c.reusable()) {
        c.close(); // the caller went (abandon closed it) or the server closes it
        connection = null;
      }
      idle.incrementAndGet();
      call.future.complete(answer); // the caller's continuation runs here, on this connection's thread
      return true;
    }

    void stop() {
      Http1Connection c = connection;
      if (c != null) {
        c.close();
      }
      Thread t = thread;
      if (t != null) {
        t.interrupt();
      }
    }
  }
}
