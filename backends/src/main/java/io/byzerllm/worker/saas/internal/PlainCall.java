package io.byzerllm.worker.saas.internal;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One call of {@link PlainHttpClient}: its request, its future, and who holds it now (null: not yet
 * on a connection; the connection it is under way on; DONE), so that a caller who completes or
 * cancels the future closes the connection under way, and a connection never takes a call that was
 * cancelled while it waited.
 */
final class PlainCall {
  private static final Object DONE = new Object();
  final HttpRequest request;
  final byte[] body;
  final CompletableFuture<HttpResponse<byte[]>> future = new CompletableFuture<>();
  private final AtomicReference<Object> holder = new AtomicReference<>();
  /** The request's write and the answer's read: whichever ends second makes the connection idle. */
  private final AtomicInteger ends = new AtomicInteger(2);

  PlainCall(HttpRequest request, byte[] body) {
    this.request = request;
    this.body = body;
    future.whenComplete((r, e) -> abandon()); // completed by the caller while under way: close its connection
  }

  /** A bound on the request's size: the body and a generous allowance for its head. */
  int requestBytes() {
    return body.length + 1024;
  }

  /** False when the call was completed (cancelled) before a connection took it. */
  boolean take(Http1Connection c) {
    return holder.compareAndSet(null, c);
  }

  /** False when the caller completed the call while under way (its connection is closed then). */
  boolean release(Http1Connection c) {
    return holder.compareAndSet(c, DONE);
  }

  /** True for the second of the request's write and the answer's read to end. */
  boolean lastToEnd() {
    return ends.decrementAndGet() == 0;
  }

  private void abandon() {
    if (holder.getAndSet(DONE) instanceof Http1Connection c) {
      c.close();
    }
  }
}
