package io.byzerllm.server.http;

import io.byzerllm.deploy.ErrorKind;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request Pekko could not parse far enough to route (a URI or a header over its
 * limit, a broken request line): OpenAI's error shape instead of Pekko's plain text. Named in
 * {@code pekko.http.server.parsing.error-handler}; Pekko makes one with the public constructor.
 */
public final class ParsingErrors extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo error, LoggingAdapter log, ServerSettings settings) {
    int code = status.intValue();
    ErrorKind kind = code == 413 || code == 414 || code == 431 ? ErrorKind.TOO_LARGE : ErrorKind.INVALID_REQUEST;
    return ApiErrors.body(code, kind, "the request could not be read: " + error.summary(), null);
  }
}
