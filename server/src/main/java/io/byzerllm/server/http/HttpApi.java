package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractStrictEntity;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.server.keys.Caller;
import java.util.OptionalLong;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The whole HTTP API of a node: OpenAI-compatible routes under {@code /v1}, management under
 * {@code /api}; {@code /health}, the {@link DashboardRoutes dashboard}'s files and {@code open} (metrics, probes)
 * need no key. On a node with an API key, {@code /v1} and {@code /api} need
 * {@code Authorization: Bearer KEY} (the node's key or an issued one, see {@link AccessGate}).
 * Request bodies are held to {@link BodyLimits}.
 */
public final class HttpApi {
  private final AccessGate gate;
  private final String nodeName;
  private final BodyLimits limits;
  private final Route v1;
  private final Route api;
  private final Route open;
  private final java.time.Duration bodyTimeout;

  /**
   * {@code open}: routes that need no key (metrics, health probes); {@code bodyTimeout}: how long a
   * body read at the gate (a model-limited key's) may take to arrive.
   */
  public HttpApi(AccessGate gate, String nodeName, BodyLimits limits, Route v1, Route api, Route open,
                 java.time.Duration bodyTimeout) {
    this.gate = gate;
    this.open = open;
    this.bodyTimeout = bodyTimeout;
    this.nodeName = nodeName;
    this.limits = limits;
    this.v1 = v1;
    this.api = api;
  }

  public Route route() {
    return handleExceptions(ApiErrors.exceptionHandler(), () -> handleRejections(ApiErrors.rejectionHandler(), () -> concat(
        path("health", () -> get(() -> complete(Json.ok(health())))),
        new DashboardRoutes().route(),
        open,
        pathPrefix("v1", () -> inference(limited(v1))),
        pathPrefix("api", () -> management(limited(api))))));
  }

  /**
   * A body whose {@code Content-Length} is over the route's limit is refused before a byte of it
   * is read; one without a length (chunked) fails with {@code EntityStreamSizeException} once it
   * passes the limit, which {@link ApiErrors} answers as 413 too.
   */
  private Route limited(Route inner) {
    return extractUnmatchedPath(path -> {
      long limit = limits.forPath(path);
      return extractRequest(request -> {
        OptionalLong length = request.entity().getContentLengthOption();
        if (length.isPresent() && length.getAsLong() > limit) {
          return complete(ApiErrors.response(BodyLimits.tooLarge(length.getAsLong(), request.getUri().path(), limit)));
        }
        return withSizeLimit(limit, () -> inner);
      });
    });
  }

  private ObjectNode health() {
    ObjectNode body = Json.newObject();
    body.put("status", "ok");
    body.put("node", nodeName);
    return body;
  }

  /**
   * {@code /v1} other than the hot endpoints: a listing is a read; a call is admitted under the
   * key's limits. For a key limited to some models, the body is read whole (within the route's limit) for
   * the {@code model} it names: a JSON body's (speech, images) or a multipart upload's (transcriptions).
   */
  private Route inference(Route inner) {
    return extractUnmatchedPath(path -> extractRequest(request -> {
      Caller caller = gate.authenticate(request);
      if (caller == null) {
        return complete(AccessGate.unauthorized());
      }
      if (request.method() == HttpMethods.GET) {
        return inner;
      }
      if (AccessGate.restricted(caller)
          && request.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
        return extractStrictEntity(bodyTimeout, limits.forPath(path), body ->
            admitted(caller, RequestedModel.of(body.getData().toArray()), inner));
      }
      if (AccessGate.restricted(caller)
          && request.entity().getContentType().mediaType().isMultipart()
          && request.entity().getContentType().mediaType().subType().equals("form-data")) {
        return extractStrictEntity(bodyTimeout, limits.forPath(path), body -> extractMaterializer(mat ->
            onComplete(RequestedModel.ofForm(body, bodyTimeout.toMillis(), mat), model -> model.isSuccess()
                ? admitted(caller, model.get(), inner)
                : complete(ApiErrors.response(model.failed().get())))));
      }
      return admitted(caller, null, inner);
    }));
  }

  private Route admitted(Caller caller, String model, Route inner) {
    AccessGate.Pass pass;
    try {
      pass = gate.admit(caller, model);
    } catch (RuntimeException e) {
      return complete(ApiErrors.response(e));
    }
    // Errors and rejections are answered inside, so every admitted call's place is given back.
    return mapResponse(pass::finish, () -> handleExceptions(ApiErrors.exceptionHandler(), () ->
        handleRejections(ApiErrors.rejectionHandler(), () -> inner)));
  }

  private Route management(Route inner) {
    return extractUnmatchedPath(path -> extractRequest(request -> {
      Caller caller = gate.authenticate(request);
      if (caller == null) {
        return complete(AccessGate.unauthorized());
      }
      try {
        AccessGate.checkApi(caller, request, path);
      } catch (RuntimeException e) {
        return complete(ApiErrors.response(e));
      }
      return inner;
    }));
  }
}
