package io.byzerllm.worker.saas.internal;

import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A keep-alive HTTP/1.1 client for one plain-http origin, for POSTs whose answer is read whole:
 * at most {@code maxConnections} blocking connections, each owned by a thread of its own that waits
 * in a read on its socket, so that one sleep and wake of one thread serves a call: the caller takes
 * an idle connection and writes the request itself (when request line, headers and body fit
 * {@value #CALLER_WRITES_UP_TO} bytes: an idle connection's send buffer is empty, so the write does
 * not block), and the kernel wakes the connection's thread with the answer, which it reads and
 * completes the call's future with; the caller's continuation runs on that thread. (A queue between
 * caller and connection thread, as before, cost a second sleep and wake per call.) Larger requests
 * are written by a small pool of writer threads, never by the caller.
 *
 * <p>A connection's state ({@code slot}), and who moves it:
 * <pre>
 *   IDLE ──caller or a finishing connection: CAS, arms it with a call──► a call (busy)
 *   a call ──its thread: the answer read, the connection still good──► IDLE (pushed on the idle stack once
 *            the request's write has ended too: whichever of the write and the answer ends last pushes it)
 *   IDLE ──its thread: the server closed it; or the keep-alive sweep: idle past the keep-alive──► CLOSED
 *            (CAS: a caller that armed it first wins, and its call then fails as one never answered, which the
 *            caller may send again; the sweep closes the socket, which ends the thread's read)
 *   any ──its thread, on a failure, {@code Connection: close}, or the client's close──► CLOSED (the thread ends)
 * </pre>
 * Idle connections wait on a LIFO stack: the hot ones stay hot and the rest reach their keep-alive.
 * No idle connection and below the limit: a new connection thread connects (connecting blocks, so
 * never on the caller) and writes the call. At the limit, the call waits in a queue, and a connection
 * that finishes takes the next queued call itself before going idle. Whoever adds to the queue or to
 * the idle stack then pairs the two ({@link #drainQueue}), so that neither waits while the other has
 * something.
 *
 * <p>Idle connections are closed by a sweep every quarter of the keep-alive, on one timer thread for
 * all clients, rather than by a read timeout: a timed read costs two more system calls per answer. So a
 * connection closes between one and one and a quarter keep-alives after its last answer.
 *
 * <p>A server that closes an idle connection is seen at once (its thread's read meets the end): the
 * connection leaves the pool and its thread ends, so the next call does not meet a stale connection.
 *
 * <p>No timeout of its own: the caller bounds each call and completes or cancels the returned
 * future, which closes the connection if the call is under way (the server sees the caller go).
 * Failures: {@link java.net.ConnectException} (refused), {@link java.net.http.HttpConnectTimeoutException},
 * a plain {@link IOException} when the connection broke before the answer's first byte (a
 * connection the server had closed while idle: the caller may send again), and
 * {@link AnswerBrokeOff} after it. No retries here.
 */
public final class PlainHttpClient implements AutoCloseable {
  /** Requests up to this many bytes (head and body) are written by the caller's thread. */
  static final int CALLER_WRITES_UP_TO = 8 * 1024;
  private static final Object IDLE = new Object();
  private static final Object CLOSED = new Object();
  private final String host;
  private final int port;
  private final Duration connectTimeout;
  private final Duration keepAlive;
  private final int maxConnections;
  private final String threadName;
  private final ConcurrentLinkedDeque<PlainCall> queue = new ConcurrentLinkedDeque<>();
  private final ConcurrentLinkedDeque<PooledConnection> idle = new ConcurrentLinkedDeque<>(); // a stack: push, poll
  private final Set<PooledConnection> all = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger threadNumber = new AtomicInteger();
  private final ThreadPoolExecutor writers;
  private final ScheduledFuture<?> sweep;
  private volatile boolean closed;

  /** Thrown when the connection broke after the answer began: the server had the request. */
  public static final class AnswerBrokeOff extends IOException {
    AnswerBrokeOff(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A client for {@code http://host:port}; its threads are daemons named {@code threadName + n}
   * (connections) and {@code threadName + "writer-" + n} (writers of large requests).
   */
  public PlainHttpClient(String host, int port, Duration connectTimeout, Duration keepAlive, int maxConnections,
                         String threadName) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be >= 1 (got " + maxConnections + ")");
    }
    if (keepAlive.toMillis() < 1) {
      throw new IllegalArgumentException("keepAlive must be at least 1 ms (got " + keepAlive + ")");
    }
    this.host = host;
    this.port = port;
    this.connectTimeout = connectTimeout;
    this.keepAlive = keepAlive;
    this.maxConnections = maxConnections;
    this.threadName = threadName;
    // Few threads, started on demand and let go when idle: large requests are rare on this path; a write
    // that a slow server holds up ends at the latest when its caller gives up and closes the connection.
    int n = Math.min(4, maxConnections);
    AtomicInteger writerNumber = new AtomicInteger();
    this.writers = new ThreadPoolExecutor(n, n, keepAlive.toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, threadName + "writer-" + writerNumber.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    writers.allowCoreThreadTimeOut(true);
    long period = Math.max(1, keepAlive.toMillis() / 4);
    this.sweep = KeepAliveTimer.TIMER.scheduleAtFixedRate(this::closeIdleTooLong, period, period, TimeUnit.MILLISECONDS);
  }

  /** One daemon thread for every client's keep-alive sweep; started with the first client. */
  private static final class KeepAliveTimer {
    static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "plain-http-keepalive");
      t.setDaemon(true);
      return t;
    });

    static {
      TIMER.setRemoveOnCancelPolicy(true); // a closed client's sweep goes with it
    }
  }

  /** The sweep: closes the connections idle longer than the keep-alive (their threads then end). */
  private void closeIdleTooLong() {
    long now = System.nanoTime();
    for (PooledConnection c : all) {
      if (c.slot.get() == IDLE && now - c.idleSince > keepAlive.toNanos() && c.slot.compareAndSet(IDLE, CLOSED)) {
        c.closeSocket();
      }
    }
  }

  /**
   * POSTs {@code body} to {@code request}'s URI (which must be on this client's origin) with
   * {@code request}'s headers; the request's own body publisher is not read. The future completes
   * on a connection thread, with the answer whatever its status.
   */
  public CompletableFuture<HttpResponse<byte[]>> post(HttpRequest request, byte[] body) {
    PlainCall call = new PlainCall(request, body);
    if (closed) {
      call.future.completeExceptionally(closedFailure());
      return call.future;
    }
    for (PooledConnection c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
      if (offer(c, call)) {
        return call.future;
      }
    }
    if (reserveConnection()) {
      start(call);
    } else {
      queue.addLast(call);
      drainQueue(); // a connection may have gone idle or ended since we looked
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
    sweep.cancel(false);
    for (PooledConnection c : all) {
      c.closeSocket(); // its thread sees the read fail, fails the call it holds and ends
    }
    writers.shutdownNow();
    failQueued();
  }

  private IOException closedFailure() {
    return new IOException("the client for " + host + ":" + port + " is closed");
  }

  private void failQueued() {
    for (PlainCall c = queue.pollFirst(); c != null; c = queue.pollFirst()) {
      c.future.completeExceptionally(closedFailure());
    }
  }

  private boolean reserveConnection() {
    for (int n = connections.get(); n < maxConnections; n = connections.get()) {
      if (connections.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Starts a connection thread (a connection reserved) whose first call is {@code first}. */
  private void start(PlainCall first) {
    PooledConnection c = new PooledConnection(first);
    Thread t = new Thread(c, threadName + threadNumber.incrementAndGet());
    t.setDaemon(true);
    c.thread = t;
    t.start();
  }

  /**
   * Pairs queued calls with idle connections, or with new ones below the limit, until either runs out;
   * run by whoever has just queued a call, pushed an idle connection or ended one.
   */
  private void drainQueue() {
    while (!queue.isEmpty()) {
      if (closed) {
        failQueued();
        return;
      }
      PooledConnection c = idle.pollFirst();
      if (c == null && !reserveConnection()) {
        return; // every connection is busy: the first to finish drains again
      }
      PlainCall next = queue.pollFirst();
      if (next == null) { // another thread took it: give back what we took
        if (c != null) {
          idle.addFirst(c);
        } else {
          connections.decrementAndGet();
        }
      } else if (c == null) {
        start(next);
      } else if (!offer(c, next)) {
        queue.addFirst(next); // c had closed: try the next connection
      }
    }
  }

  /** Makes {@code c} idle for the next caller, and pairs it with a queued call if one came meanwhile. */
  private void pushIdle(PooledConnection c) {
    idle.addFirst(c);
    drainQueue();
  }

  /**
   * Arms idle connection {@code c} (taken off the stack) with {@code call} and has the request written:
   * false when {@code c} had closed (the call untouched); true when the call is on its way, or was
   * cancelled before (then {@code c} goes back on the stack, and the caller drains the queue).
   */
  private boolean offer(PooledConnection c, PlainCall call) {
    if (!c.slot.compareAndSet(IDLE, call)) {
      return false;
    }
    if (!call.take(c.connection)) { // completed (cancelled) before it was armed
      if (c.slot.compareAndSet(call, IDLE)) {
        idle.addFirst(c);
      }
      return true;
    }
    write(c, call);
    return true;
  }

  /** Writes the armed call's request on {@code c}: here when small or on {@code c}'s own thread, else on a writer. */
  private void write(PooledConnection c, PlainCall call) {
    if (Thread.currentThread() == c.thread || call.requestBytes() <= CALLER_WRITES_UP_TO) {
      c.send(call);
      return;
    }
    try {
      writers.execute(() -> c.send(call));
    } catch (RejectedExecutionException e) { // the client is closing
      call.future.completeExceptionally(closedFailure());
    }
  }

  /** A connection and its thread: connects, then answers the calls it is armed with until it closes. */
  private final class PooledConnection implements Runnable {
    /** IDLE, the PlainCall it is armed with, or CLOSED; see the class comment. */
    final AtomicReference<Object> slot = new AtomicReference<>(IDLE);
    volatile Thread thread;
    private PlainCall first;
    private volatile Http1Connection connection;
    /** When it last became idle ({@link System#nanoTime()}), for the keep-alive sweep. */
    volatile long idleSince = System.nanoTime();
    /** Set once by this connection's thread when it leaves the pool. */
    private boolean ended;

    PooledConnection(PlainCall first) {
      this.first = first;
    }

    /** From any thread: makes a read or write under way fail, and so ends the connection's thread. */
    void closeSocket() {
      Http1Connection c = connection;
      if (c != null) {
        c.close();
      }
    }

    @Override
    public void run() {
      try {
        try {
          connection = Http1Connection.open(host, port, connectTimeout);
        } catch (IOException | RuntimeException e) {
          first.future.completeExceptionally(e);
          return;
        }
        all.add(this);
        PlainCall call = first;
        first = null;
        if (closed) {
          call.future.completeExceptionally(closedFailure());
          return;
        }
        offer(this, call); // a fresh connection is idle: this arms it, or makes it idle if the call was cancelled
        drainQueue();
        answerCalls();
      } finally {
        end();
      }
    }

    /** Waits on the socket for an answer or the server's close, reads the answer and completes the call armed. */
    private void answerCalls() {
      while (true) {
        int firstByte;
        IOException broke = null;
        try {
          firstByte = connection.awaitByte();
        } catch (IOException e) {
          firstByte = -1;
          broke = e;
        }
        Object s = slot.get();
        if (s == IDLE && slot.compareAndSet(IDLE, CLOSED)) {
          return; // the server closed it while idle (or sent what nobody asked for)
        }
        s = slot.get();
        if (!(s instanceof PlainCall call)) {
          return; // closed
        }
        if (firstByte < 0) { // no byte of an answer: the request may never have reached the server
          call.future.completeExceptionally(broke != null ? broke
              : new EOFException("the connection closed before an answer"));
          return;
        }
        if (!answer(call)) {
          return;
        }
      }
    }

    /** Reads {@code call}'s answer and completes it; true when the connection stays for the next call. */
    private boolean answer(PlainCall call) {
      HttpResponse<byte[]> answer;
      try {
        answer = connection.readAnswer(call.request);
      } catch (IOException | RuntimeException e) {
        call.future.completeExceptionally(e);
        return false;
      }
      boolean keep = call.release(connection) && connection.reusable() && !closed; // else the caller went, or the server closes
      if (!keep) {
        slot.set(CLOSED);
        end(); // before the continuation, so that a call it sends may open a connection in this one's place
        call.future.complete(answer);
        return false;
      }
      idleSince = System.nanoTime();
      slot.set(IDLE);
      if (call.lastToEnd()) {
        pushIdle(this); // takes the next queued call first, if any
      }
      call.future.complete(answer); // the caller's continuation runs here, and may arm this connection again
      return true;
    }

    /** Writes the armed call's request, on whichever thread {@link #write} chose. */
    void send(PlainCall call) {
      try {
        connection.send(call.request, call.body);
      } catch (IOException | RuntimeException e) {
        call.future.completeExceptionally(e); // never answered: the caller may send it again
        connection.close();
        return;
      }
      if (call.lastToEnd()) {
        pushIdle(this); // the answer came before the write ended (a server answering early)
      }
    }

    /** On this connection's thread, once (from {@link #answer}, which then returns, or as the thread ends). */
    private void end() {
      if (ended) {
        return;
      }
      ended = true;
      if (slot.getAndSet(CLOSED) instanceof PlainCall call) {
        call.future.completeExceptionally(closed ? closedFailure()
            : new IOException("the connection to " + host + ":" + port + " closed before an answer"));
      }
      closeSocket();
      idle.remove(this);
      all.remove(this);
      connections.decrementAndGet();
      drainQueue(); // a call queued at the limit may now open a connection
    }
  }
}
