package io.byzerllm.worker.saas.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** A whole HTTP/1.1 answer read by {@link PlainHttpClient}, in the JDK's response type so callers treat both alike. */
record PlainHttpResponse(HttpRequest request, int statusCode, HttpHeaders headers, byte[] body)
    implements HttpResponse<byte[]> {

  @Override
  public Optional<HttpResponse<byte[]>> previousResponse() {
    return Optional.empty();
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return Optional.empty();
  }

  @Override
  public URI uri() {
    return request.uri();
  }

  @Override
  public HttpClient.Version version() {
    return HttpClient.Version.HTTP_1_1;
  }
}
