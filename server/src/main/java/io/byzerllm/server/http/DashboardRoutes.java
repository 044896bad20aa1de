package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /dashboard}: a read-only page (HTML, script and style from this jar) that polls the
 * node's {@code /api} JSON. The files hold no data, so they are served without a key; the APIs they
 * read keep theirs (the page asks for it and sends it as a Bearer header). The policy header keeps
 * the page from loading anything that is not on this node.
 */
public final class DashboardRoutes {
  private static final String DIR = "io/byzerllm/server/dashboard/";
  private static final List<HttpHeader> HEADERS = List.of(
      RawHeader.create("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Cache-Control", "no-cache"));

  public Route route() {
    return pathPrefix("dashboard", () -> get(() -> respondWithHeaders(HEADERS, () -> concat(
        pathEndOrSingleSlash(() -> getFromResource(DIR + "index.html", ContentTypes.TEXT_HTML_UTF8)),
        path("dashboard.js", () -> getFromResource(DIR + "dashboard.js")),
        path("dashboard.css", () -> getFromResource(DIR + "dashboard.css"))))));
  }
}
