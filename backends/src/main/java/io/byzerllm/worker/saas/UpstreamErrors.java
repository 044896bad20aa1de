package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.OverloadedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns what went wrong upstream into the {@link LlmException} a caller sees: the provider's status
 * and message kept, secrets redacted from every message.
 */
final class UpstreamErrors {
  private static final int EXCERPT = 300;
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  private final UpstreamSettings settings;
  private final WireFormat wire;

  UpstreamErrors(WireFormat wire) {
    this.settings = wire.settings();
    this.wire = wire;
  }

  /**
   * A non-2xx answer: 400/404 invalid request, 401, 403, 429 overloaded, 5xx upstream (502), unless
   * the wire knows better for its provider ({@link WireFormat#errorKind}).
   */
  LlmException fromResponse(int status, HttpHeaders headers, byte[] body) {
    String message = redact("upstream " + settings.host() + " answered " + status + ": " + wire.errorMessage(body));
    ErrorKind providerKind = wire.errorKind(status, body);
    if (providerKind != null) {
      return ofKind(providerKind, message, retryAfter(headers));
    }
    if (status == 429) {
      Duration retryAfter = retryAfter(headers);
      return new OverloadedException(429, message, retryAfter == null ? DEFAULT_RETRY_AFTER : retryAfter, null);
    }
    if (status >= 500) {
      return new LlmException(ErrorKind.UPSTREAM, ErrorKind.UPSTREAM.status(), message, null);
    }
    ErrorKind kind = switch (status) {
      case 401 -> ErrorKind.AUTHENTICATION;
      case 403 -> ErrorKind.PERMISSION;
      case 408 -> ErrorKind.UPSTREAM_TIMEOUT;
      default -> ErrorKind.fromStatus(status);
    };
    return new LlmException(kind, status, message, null);
  }

  /** A failure to get an answer at all: timeout, refused connection, broken connection. */
  LlmException fromFailure(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof LlmException e) {
      return e;
    }
    if (t instanceof MalformedAnswer e) {
      return badAnswer(e);
    }
    if (t instanceof ProviderRefusal r) {
      return ofKind(r.kind(), redact("upstream " + settings.host() + " refused the call: " + r.getMessage()), null);
    }
    if (t instanceof HttpConnectTimeoutException) {
      return new LlmException(ErrorKind.UPSTREAM_TIMEOUT, redact("cannot reach " + settings.baseUrl() + " within "
          + settings.timeoutText() + " (saas.timeout)"), t);
    }
    if (t instanceof HttpTimeoutException) {
      return timeout(t);
    }
    if (t instanceof ConnectException) {
      return new LlmException(ErrorKind.UPSTREAM, redact("cannot reach " + settings.baseUrl() + ": "
          + describe(t)), t);
    }
    if (t instanceof IOException) {
      return new LlmException(ErrorKind.UPSTREAM, redact("upstream " + settings.host() + " failed: " + describe(t)), t);
    }
    return new LlmException(ErrorKind.INTERNAL, redact("calling upstream " + settings.host() + " failed: "
        + describe(t)), t);
  }

  /** An error of a kind a provider's own code or status means; overloaded ones carry a Retry-After. */
  private static LlmException ofKind(ErrorKind kind, String message, Duration retryAfter) {
    if (kind == ErrorKind.OVERLOADED) {
      return new OverloadedException(429, message, retryAfter == null ? DEFAULT_RETRY_AFTER : retryAfter, null);
    }
    return new LlmException(kind, message);
  }

  LlmException timeout(Throwable cause) {
    return new LlmException(ErrorKind.UPSTREAM_TIMEOUT, "upstream " + settings.host() + " did not answer within "
        + settings.timeoutText() + " (saas.timeout)", cause);
  }

  /** An error event after the stream began, with the provider's message. */
  LlmException midStream(String providerMessage) {
    return new LlmException(ErrorKind.UPSTREAM, redact("upstream " + settings.host() + " failed mid-stream: "
        + providerMessage));
  }

  /** A 2xx answer a wire could not read. */
  LlmException badAnswer(MalformedAnswer e) {
    return badAnswer(e.getMessage(), e.body());
  }

  /** A 2xx answer we cannot read. */
  LlmException badAnswer(String what, String body) {
    return new LlmException(ErrorKind.UPSTREAM, redact("upstream " + settings.host() + " answered " + what + ": "
        + excerpt(body)));
  }

  String host() {
    return settings.host();
  }

  String redact(String text) {
    return settings.redactor().apply(text);
  }

  static Throwable unwrap(Throwable t) {
    Throwable out = t;
    while ((out instanceof CompletionException || out instanceof ExecutionException) && out.getCause() != null) {
      out = out.getCause();
    }
    return out;
  }

  /** {@code Retry-After} in seconds or as an HTTP date, or OpenAI's {@code retry-after-ms}; null when absent. */
  static Duration retryAfter(HttpHeaders headers) {
    Optional<String> ms = headers.firstValue("retry-after-ms");
    Optional<String> value = headers.firstValue("retry-after");
    try {
      if (value.isPresent()) {
        String v = value.get().trim();
        if (v.matches("\\d+(\\.\\d+)?")) {
          return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        }
        Duration untilDate = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
        return untilDate.isNegative() ? Duration.ZERO : untilDate;
      }
      if (ms.isPresent()) {
        return Duration.ofMillis(Math.round(Double.parseDouble(ms.get().trim())));
      }
    } catch (RuntimeException e) {
      return null; // an unreadable Retry-After is treated as absent
    }
    return null;
  }

  /** The message of an error body in the shapes most providers use, or an excerpt of the body. */
  static String providerMessage(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    try {
      JsonNode json = SaasJson.MAPPER.readTree(text);
      if (json != null) {
        Optional<String> m = messageOf(json);
        if (m.isPresent()) {
          return m.get();
        }
      }
    } catch (IOException e) {
      // not JSON: fall through to an excerpt of the body
    }
    return text.isBlank() ? "(empty body)" : excerpt(text);
  }

  /**
   * {@code error.message} (OpenAI, Anthropic, Gemini), {@code error} as a string, or a top-level
   * {@code message}/{@code detail}/{@code msg}.
   */
  static Optional<String> messageOf(JsonNode json) {
    JsonNode error = json.path("error");
    if (error.path("message").isTextual()) {
      return Optional.of(error.get("message").asText());
    }
    if (error.isTextual()) {
      return Optional.of(error.asText());
    }
    for (String field : new String[] {"message", "detail", "msg"}) {
      if (json.path(field).isTextual()) {
        return Optional.of(json.get(field).asText());
      }
    }
    return Optional.empty();
  }

  static String excerpt(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "...";
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
