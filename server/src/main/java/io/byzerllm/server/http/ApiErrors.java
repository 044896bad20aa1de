package io.byzerllm.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.CoolingDownException;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.deploy.Redactor;
import io.byzerllm.worker.openai.InvalidFieldException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AuthorizationFailedRejection;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalHeaderException;
import org.apache.pekko.http.scaladsl.model.ParsingException;

/**
 * Every error a caller can see, in OpenAI's shape {@code {"error":{"message","type","code","param"}}}
 * with the right status; 429 and a cooling-down 503 carry {@code Retry-After}. Pekko's plain-text defaults never escape.
 */
public final class ApiErrors {
  private ApiErrors() {}

  public static HttpResponse response(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof LlmException l) {
      HttpResponse r = body(l.status(), l.kind(), l.getMessage(), e instanceof InvalidFieldException f ? f.param() : null);
      java.time.Duration retryAfter = l instanceof OverloadedException o ? o.retryAfter()
          : l instanceof CoolingDownException c ? c.retryAfter() : null;
      if (retryAfter != null) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        r = r.addHeader(RawHeader.create("Retry-After", String.valueOf(seconds)));
      }
      return r;
    }
    if (e instanceof java.util.concurrent.CancellationException) {
      // nginx's "client closed request": nobody reads it, the connection is gone
      return body(499, ErrorKind.INVALID_REQUEST, "the caller closed the connection before the answer", null);
    }
    if (e instanceof TimeoutException) {
      return body(504, ErrorKind.UPSTREAM_TIMEOUT, "the cluster did not answer in time: " + e.getMessage(), null);
    }
    if (e instanceof ParsingException || e instanceof IllegalHeaderException) {
      // a multipart body Pekko could not take apart (no closing boundary, a broken part header)
      return body(400, ErrorKind.INVALID_REQUEST, "the request body could not be read: " + e.getMessage(), null);
    }
    if (e instanceof EntityStreamSizeException s) {
      return body(413, ErrorKind.TOO_LARGE, "the request body is larger than this endpoint accepts ("
          + BodyLimits.describe(s.limit()) + ", byzerllm.server.body-limits)", null);
    }
    return body(500, ErrorKind.INTERNAL, "internal error: " + e, null);
  }

  public static HttpResponse body(int status, ErrorKind kind, String message, String param) {
    ObjectNode error = Json.newObject();
    error.put("message", Redactor.SHAPES_ONLY.apply(message));
    error.put("type", kind.type());
    error.put("code", kind == ErrorKind.MODEL_NOT_FOUND ? "model_not_found" : String.valueOf(status));
    error.put("param", param);
    ObjectNode root = Json.newObject();
    root.set("error", error);
    return Json.response(status, root);
  }

  public static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder().match(Throwable.class, e -> Directives.complete(response(e))).build();
  }

  public static RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handle(MalformedRequestContentRejection.class, r -> Directives.complete(
            unwrap(r.getCause()) instanceof EntityStreamSizeException tooLarge ? response(tooLarge)
                : body(400, ErrorKind.INVALID_REQUEST, "the request body could not be read: " + r.message(), null)))
        .handle(UnsupportedRequestContentTypeRejection.class, r -> Directives.complete(
            body(400, ErrorKind.INVALID_REQUEST, "unsupported Content-Type; send " + r.getSupported(), null)))
        .handle(AuthorizationFailedRejection.class, r -> Directives.complete(
            body(403, ErrorKind.PERMISSION, "not allowed", null)))
        .handleAll(MethodRejection.class, rs -> Directives.complete(body(405, ErrorKind.INVALID_REQUEST,
            "method not allowed here; use " + rs.stream().map(r -> r.supported().name()).distinct().toList(), null)))
        .handleAll(Rejection.class, rs -> Directives.complete(
            body(400, ErrorKind.INVALID_REQUEST, "bad request: " + rs, null)))
        .handleNotFound(Directives.extractUri(uri -> Directives.complete(body(404, ErrorKind.INVALID_REQUEST,
            "no such endpoint: " + uri.path() + "; see docs/http-api.md", null))))
        .build();
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
