package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One node address, its bearer key and the per-call timeout over a shared {@link HttpClient}: builds
 * requests, sends them, and turns every failure into an {@link LlmClientException}.
 */
final class Transport {
  private final HttpClient http;
  private final String baseUrl;
  private final String apiKey;
  private final Duration timeout;

  Transport(HttpClient http, String baseUrl, String apiKey, Duration timeout) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    this.timeout = timeout;
  }

  static HttpClient newHttpClient() {
    // HTTP/1.1: a plain-text HTTP/2 upgrade buys nothing on loopback and not every proxy speaks it.
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** {@code http://host:port} without a trailing slash or {@code /v1}. */
  static String normalize(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("the node address is empty; pass e.g. http://127.0.0.1:8000");
    }
    String u = url.strip();
    if (!u.contains("://")) {
      u = "http://" + u;
    }
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    if (u.endsWith("/v1")) {
      u = u.substring(0, u.length() - 3);
    }
    URI parsed = URI.create(u);
    if (parsed.getHost() == null || !(u.startsWith("http://") || u.startsWith("https://"))) {
      throw new IllegalArgumentException("'" + url + "' is not an http(s) address; pass e.g. http://127.0.0.1:8000");
    }
    return u;
  }

  Transport withApiKey(String key) {
    return new Transport(http, baseUrl, key, timeout);
  }

  Transport withTimeout(Duration t) {
    return new Transport(http, baseUrl, apiKey, t);
  }

  String baseUrl() {
    return baseUrl;
  }

  Duration timeout() {
    return timeout;
  }

  boolean hasApiKey() {
    return apiKey != null;
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b;
  }

  HttpRequest get(String path) {
    return request(path).header("Accept", "application/json").GET().build();
  }

  HttpRequest delete(String path) {
    return request(path).header("Accept", "application/json").DELETE().build();
  }

  HttpRequest postJson(String path, Object body) {
    return request(path).header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8)).build();
  }

  /** Sends and answers the body of a 2xx; anything else throws. */
  String call(HttpRequest request) {
    HttpResponse<String> r = send(request, BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (r.statusCode() / 100 != 2) {
      throw errorOf(r.statusCode(), r.headers(), r.body());
    }
    return r.body();
  }

  byte[] callBytes(HttpRequest request) {
    HttpResponse<byte[]> r = send(request, BodyHandlers.ofByteArray());
    if (r.statusCode() / 100 != 2) {
      throw errorOf(r.statusCode(), r.headers(), new String(r.body(), StandardCharsets.UTF_8));
    }
    return r.body();
  }

  /** Opens a streaming answer; the caller owns (and must close) the body of the 2xx it gets. */
  InputStream open(HttpRequest request) {
    HttpResponse<InputStream> r = send(request, BodyHandlers.ofInputStream());
    if (r.statusCode() / 100 != 2) {
      try (InputStream in = r.body()) {
        throw errorOf(r.statusCode(), r.headers(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw noAnswer(e);
      }
    }
    return r.body();
  }

  CompletableFuture<String> callAsync(HttpRequest request) {
    return http.sendAsync(request, BodyHandlers.ofString(StandardCharsets.UTF_8))
        .handle((r, failure) -> {
          if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            throw cause instanceof IOException io ? noAnswer(io)
                : new LlmClientException(ErrorKind.INTERNAL, 0, "the call to " + baseUrl + " failed: " + cause,
                    null, null, cause);
          }
          if (r.statusCode() / 100 != 2) {
            throw errorOf(r.statusCode(), r.headers(), r.body());
          }
          return r.body();
        });
  }

  <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw noAnswer(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmClientException(ErrorKind.INTERNAL, 0, "interrupted while waiting for " + baseUrl, null, null, e);
    }
  }

  LlmClientException noAnswer(IOException e) {
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      return new LlmClientException(ErrorKind.UNAVAILABLE, 0, "no node answers at " + baseUrl
          + "; start one with `llm server start` or pass --address", null, null, e);
    }
    if (e instanceof HttpTimeoutException) {
      return new LlmClientException(ErrorKind.UPSTREAM_TIMEOUT, 0, "no answer from " + baseUrl + " within "
          + timeout.toSeconds() + "s; give calls more time with withTimeout(...)", null, null, e);
    }
    return new LlmClientException(ErrorKind.UNAVAILABLE, 0, "lost the connection to " + baseUrl + ": "
        + redact(String.valueOf(e.getMessage())), null, null, e);
  }

  /** The node's OpenAI-shaped error body as an exception (message redacted, Retry-After kept). */
  LlmClientException errorOf(int status, HttpHeaders headers, String body) {
    String message = null;
    String type = null;
    try {
      JsonNode error = Json.MAPPER.readTree(body).path("error");
      if (error.isObject()) {
        message = error.path("message").asText(null);
        type = error.path("type").asText(null);
      } else if (error.isTextual()) {
        message = error.asText();
      }
    } catch (IOException | RuntimeException notJson) {
      // a proxy or a plain-text answer: keep the start of the body as the message
    }
    if (message == null || message.isBlank()) {
      String text = body == null ? "" : body.strip();
      message = "HTTP " + status + " from " + baseUrl + (text.isEmpty() ? "" : ": "
          + text.substring(0, Math.min(200, text.length())));
    }
    Duration retryAfter = status == 429 ? retryAfter(headers) : null;
    LlmClientException base = new LlmClientException(status, redact(message), type, null);
    return new LlmClientException(base.kind(), status, base.getMessage(), type, retryAfter, null);
  }

  private static Duration retryAfter(HttpHeaders headers) {
    return headers.firstValue("Retry-After").map(v -> {
      try {
        return Duration.ofSeconds(Long.parseLong(v.trim()));
      } catch (NumberFormatException httpDate) {
        return Duration.ofSeconds(1);
      }
    }).orElse(Duration.ofSeconds(1));
  }

  String redact(String text) {
    return Redactor.of(apiKey == null ? List.of() : List.of(apiKey)).apply(text);
  }
}
