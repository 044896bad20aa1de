package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The whole HTTP API of a node: OpenAI-compatible routes under {@code /v1}, management under
 * {@code /api}, {@code /health} and the {@link DashboardRoutes dashboard}'s files open. With an API key set,
 * {@code /v1} and {@code /api} need
 * {@code Authorization: Bearer KEY}. Request bodies are held to {@link BodyLimits}.
 */
public final class HttpApi {
  private final String apiKey;
  private final String nodeName;
  private final BodyLimits limits;
  private final Route v1;
  private final Route api;
  private final Route open;

  /** {@code open}: routes that need no key (metrics, health probes). */
  public HttpApi(String apiKey, String nodeName, BodyLimits limits, Route v1, Route api, Route open) {
    this.open = open;
    this.apiKey = apiKey;
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
        pathPrefix("v1", () -> authorized(() -> limited(v1))),
        pathPrefix("api", () -> authorized(() -> limited(api))))));
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

  private Route authorized(Supplier<Route> inner) {
    if (apiKey == null) {
      return inner.get();
    }
    return extractRequest(request -> keyMatches(request) ? inner.get() : complete(unauthorized()));
  }

  /** The 401 for a request without the node's key, or null when it may pass. */
  public HttpResponse refusal(HttpRequest request) {
    return apiKey == null || keyMatches(request) ? null : unauthorized();
  }

  private static HttpResponse unauthorized() {
    return ApiErrors.body(401, ErrorKind.AUTHENTICATION,
        "missing or wrong API key: send 'Authorization: Bearer <key>' with the node's --api_key", null);
  }

  private boolean keyMatches(HttpRequest request) {
    String header = request.getHeader("Authorization").map(h -> h.value()).orElse("");
    String expected = "Bearer " + apiKey;
    return MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }
}
