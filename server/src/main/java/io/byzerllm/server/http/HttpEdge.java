package io.byzerllm.server.http;

import java.time.Duration;
import io.byzerllm.server.keys.Caller;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.util.ByteString;

/**
 * How a node's HTTP connections are served. The inference endpoints that carry the traffic
 * ({@code POST /v1/chat/completions}, ...) are dispatched by method and path straight to their
 * handler; everything else goes through the routing DSL, whose per-request directive tree costs
 * more CPU than the whole request path. A caller that closes its connection before its answer
 * cancels the request in flight (its worker slot and its upstream call are released).
 */
public final class HttpEdge {

  /** A handler of one hot endpoint: the request's bytes in, the response out; cancellable. */
  public interface BodyHandler extends Function<ByteString, CompletableFuture<HttpResponse>> {}

  /**
   * Told of every answer once, as it leaves, with its request and when the edge began handling it
   * (for the hot endpoints, once the body was read). Runs on the thread that completed the answer:
   * it must not block.
   */
  public interface AnswerListener {
    AnswerListener NONE = (request, response, startNanos) -> {};

    void answered(HttpRequest request, HttpResponse response, long startNanos);
  }

  /**
   * An answer sent while the caller still writes its body closes the connection under it, and the
   * reset can reach the caller before the answer does: a body over its limit is read and dropped to its
   * end first, unless the caller pauses this long (it may be waiting for the answer before sending).
   */
  private static final Duration DRAIN_PAUSE = Duration.ofMillis(200);
  private final Map<String, BodyHandler> hot;
  private final org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> routes;
  private final AccessGate gate;
  private final BodyLimits limits;
  private final Duration bodyTimeout;
  private final AnswerListener listener;

  /**
   * {@code hot}: path to handler, POST only; {@code gate}: who may call them, within which limits;
   * {@code routes}: the rest; {@code listener}: told of every answer ({@link AnswerListener#NONE}: nobody).
   */
  public HttpEdge(Map<String, BodyHandler> hot, AccessGate gate,
                  org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> routes,
                  BodyLimits limits, Duration bodyTimeout, AnswerListener listener) {
    this.listener = listener;
    this.hot = Map.copyOf(hot);
    this.gate = gate;
    this.routes = routes;
    this.limits = limits;
    this.bodyTimeout = bodyTimeout;
  }

  /** The flow each connection runs: one request at a time (HTTP/1.1 without pipelining). */
  public Flow<HttpRequest, HttpResponse, NotUsed> flow() {
    return Flow.<HttpRequest, HttpResponse, NotUsed>fromMaterializer((mat, attributes) -> connection(mat))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /** A request with its whole body read (hot endpoints), or as it came (the rest). */
  private record Incoming(HttpRequest request, BodyHandler handler, ByteString body, Throwable bodyError) {}

  private Flow<HttpRequest, HttpResponse, NotUsed> connection(Materializer mat) {
    AtomicReference<CompletableFuture<HttpResponse>> inFlight = new AtomicReference<>();
    AtomicReference<AccessGate.Pass> lastPass = new AtomicReference<>();
    return Flow.of(HttpRequest.class)
        // The request side ends when the caller closes the connection: cancel what it still waits for.
        .watchTermination((nu, closed) -> {
          closed.whenComplete((done, error) -> {
            CompletableFuture<HttpResponse> pending = inFlight.get();
            if (pending != null) {
              pending.cancel(true);
            }
            // An answer whose body never ran (the connection went first) still gives its key's place back.
            AccessGate.Pass pass = lastPass.get();
            if (pass != null) {
              pass.abandon();
            }
          });
          return nu;
        })
        // A body that arrives after its headers is read inside this connection's stream: reading it
        // with toStrict would materialize a new stream (and an actor) for every request.
        .flatMapConcat(this::incoming)
        .mapAsync(1, in -> {
          long start = System.nanoTime();
          CompletableFuture<HttpResponse> response = handle(in, mat, lastPass::set);
          inFlight.set(response);
          // A call cancelled because its caller left still needs an answer for the (closed) connection.
          CompletableFuture<HttpResponse> answer = response.exceptionally(ApiErrors::response);
          if (listener == AnswerListener.NONE) {
            return answer;
          }
          return answer.thenApply(r -> {
            try {
              listener.answered(in.request(), r, start);
            } catch (RuntimeException e) {
              // accounting never costs a caller its answer
            }
            return r;
          });
        });
  }

  private Source<Incoming, NotUsed> incoming(HttpRequest request) {
    BodyHandler handler = request.method() == HttpMethods.POST ? hot.get(request.getUri().path()) : null;
    HttpEntity entity = request.entity();
    if (handler == null) {
      return Source.single(new Incoming(request, null, null, null));
    }
    if (entity instanceof HttpEntity.Strict strict) {
      return Source.single(new Incoming(request, handler, strict.getData(), null));
    }
    String path = request.getUri().path();
    long limit = limits.forPath(path.substring("/v1".length()));
    long length = entity.getContentLengthOption().orElse(0L);
    if (length > limit) {
      // Refused by its length; still read to its end (and dropped) before the 413 goes, or to a pause.
      Incoming refused = new Incoming(request, handler, null, BodyLimits.tooLarge(length, path, limit));
      return entity.getDataBytes()
          .idleTimeout(DRAIN_PAUSE)
          .completionTimeout(bodyTimeout)
          .fold(refused, (r, chunk) -> r)
          .recover(new PFBuilder<Throwable, Incoming>().match(Throwable.class, e -> refused).build())
          .mapMaterializedValue(m -> NotUsed.getInstance());
    }
    // Read to the parser's limit (the largest any route takes), keeping bytes only up to this route's.
    return entity.withSizeLimit(Math.max(limit, limits.upload())).getDataBytes()
        .completionTimeout(bodyTimeout)
        .fold(BodyRead.EMPTY, (read, chunk) -> read.plus(chunk, limit))
        .map(read -> read.bytes() != null ? new Incoming(request, handler, read.bytes(), null)
            : new Incoming(request, handler, null, BodyLimits.tooLarge(read.length(), path, limit)))
        .recover(new PFBuilder<Throwable, Incoming>()
            .match(EntityStreamSizeException.class, e -> new Incoming(request, handler, null,
                BodyLimits.tooLarge(path, limit)))
            .match(Throwable.class, e -> new Incoming(request, handler, null, e)).build())
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /** A body as read so far: its bytes while within the route's limit, past it only how many arrived. */
  private record BodyRead(ByteString bytes, long length) {
    static final BodyRead EMPTY = new BodyRead(ByteString.emptyByteString(), 0);

    BodyRead plus(ByteString chunk, long limit) {
      long total = length + chunk.size();
      return new BodyRead(bytes != null && total <= limit ? bytes.concat(chunk) : null, total);
    }
  }

  private CompletableFuture<HttpResponse> handle(Incoming in, Materializer mat,
                                                 java.util.function.Consumer<AccessGate.Pass> admitted) {
    HttpRequest request = in.request();
    if (in.handler() == null) {
      try {
        return routes.apply(request).toCompletableFuture();
      } catch (Exception e) {
        return CompletableFuture.completedFuture(ApiErrors.response(e));
      }
    }
    Caller caller = gate.authenticate(request);
    if (caller == null) {
      request.discardEntityBytes(mat);
      return CompletableFuture.completedFuture(AccessGate.unauthorized());
    }
    if (in.bodyError() != null) {
      request.discardEntityBytes(mat);
      return CompletableFuture.completedFuture(ApiErrors.response(in.bodyError()));
    }
    AccessGate.Pass pass;
    try {
      pass = gate.admit(caller, in.body());
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ApiErrors.response(e));
    }
    CompletableFuture<HttpResponse> call = in.handler().apply(in.body());
    if (pass == AccessGate.Pass.FREE) {
      return call;
    }
    admitted.accept(pass);
    return admitted(call, pass);
  }

  /** The call's answer with its key's budget; its place is given back however the call ends (cancelled too). */
  private static CompletableFuture<HttpResponse> admitted(CompletableFuture<HttpResponse> call, AccessGate.Pass pass) {
    CompletableFuture<HttpResponse> answer = call.handle((response, error) -> {
      if (error != null) {
        pass.abandon();
        return ApiErrors.response(error);
      }
      return pass.finish(response);
    });
    answer.whenComplete((r, e) -> {
      if (answer.isCancelled()) {
        call.cancel(true);
      }
    });
    return answer;
  }

}
