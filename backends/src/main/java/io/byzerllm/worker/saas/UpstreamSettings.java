package io.byzerllm.worker.saas;

import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.Redactor;
import io.byzerllm.deploy.Secrets;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How to reach any SaaS provider, parsed from the {@code saas.*} infer params every provider shares:
 * {@code saas.base_url}, {@code saas.api_key} (or {@code saas.api_key_file}), {@code saas.model},
 * {@code saas.timeout}, {@code saas.max_retries}, {@code saas.headers.<Name>} and {@code saas.http_client}. {@code apiKey} is
 * null only for a loopback {@code baseUrl} (a local Ollama or vLLM). {@link #toString()} never shows
 * the key; {@link #redactor()} knows it and every other secret of the spec.
 */
record UpstreamSettings(
    String baseUrl,
    String apiKey,
    String model,
    Duration timeout,
    int maxRetries,
    Map<String, String> headers,
    HttpClientChoice httpClient,
    Redactor redactor) {

  /**
   * Which client sends whole (non-stream) answers, {@code saas.http_client}: {@code auto} (the
   * default) sends them to a plain-http provider (a local vLLM, Ollama) on our lean HTTP/1.1 client
   * and to an https one on the JDK's (HTTP/2 where offered); {@code jdk} sends everything on the
   * JDK's, for a server that our client does not get along with.
   */
  enum HttpClientChoice { AUTO, JDK }

  private static final String HEADER_PREFIX = "saas.headers.";
  // The JDK HttpClient refuses to let a caller set these; fail at deploy time, not on the first call.
  private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

  UpstreamSettings {
    headers = Map.copyOf(headers);
  }

  /**
   * Parses and validates the shared params; every error names the param. {@code defaultBaseUrl}
   * and {@code defaultModel} are the provider's own (used when the user gives none).
   */
  static UpstreamSettings from(ModelSpec spec, String defaultBaseUrl, String defaultModel) {
    String baseUrl = baseUrl(spec.param("saas.base_url", defaultBaseUrl), defaultBaseUrl);
    String key = apiKey(spec);
    if (key == null && !isLoopback(baseUrl)) {
      throw new InvalidSpecException(spec.pretrainedModelType().id() + " needs an API key: pass --infer_params "
          + "saas.api_key=... (or saas.api_key_file=PATH); only a loopback saas.base_url may go without one");
    }
    List<String> secrets = new ArrayList<>(spec.secretValues());
    if (key != null) {
      secrets.add(key); // a key read from saas.api_key_file is not among the spec's own secret values
    }
    return new UpstreamSettings(baseUrl, key, spec.param("saas.model", defaultModel),
        Duration.ofMillis(Math.round(positiveNumber(spec, "saas.timeout", 120) * 1000)),
        wholeNumber(spec, "saas.max_retries", 2), headers(spec), httpClient(spec), Redactor.of(secrets));
  }

  /** The host, for error messages. */
  String host() {
    return URI.create(baseUrl).getHost();
  }

  URI endpoint(String path) {
    return URI.create(baseUrl + path);
  }

  /** The timeout as a user wrote it, for messages: {@code 120s}, {@code 2.5s}. */
  String timeoutText() {
    return BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
  }

  private static String baseUrl(String raw, String example) {
    String url = raw.trim();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getUserInfo() != null
          || uri.getQuery() != null || uri.getFragment() != null) {
        throw new URISyntaxException(url, "not an http(s) URL with a host");
      }
      return url;
    } catch (URISyntaxException e) {
      throw new InvalidSpecException("saas.base_url must be an http(s) URL such as " + example + " (got '"
          + raw + "')");
    }
  }

  private static String apiKey(ModelSpec spec) {
    String key = spec.param("saas.api_key", null);
    if (key != null) {
      return key.trim();
    }
    String file = spec.param("saas.api_key_file", null);
    if (file == null) {
      return null;
    }
    try {
      String fromFile = Files.readString(Path.of(file.trim())).trim();
      if (fromFile.isEmpty()) {
        throw new InvalidSpecException("saas.api_key_file '" + file + "' is empty; put the API key in it");
      }
      return fromFile;
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidSpecException ise) {
        throw ise;
      }
      throw new InvalidSpecException("saas.api_key_file '" + file + "' cannot be read (" + e.getClass().getSimpleName()
          + "); give the path of a file that holds the API key");
    }
  }

  static boolean isLoopback(String baseUrl) {
    String host = URI.create(baseUrl).getHost().toLowerCase(Locale.ROOT);
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
  }

  private static double positiveNumber(ModelSpec spec, String name, double fallback) {
    String raw = spec.param(name, null);
    if (raw == null) {
      return fallback;
    }
    try {
      double v = Double.parseDouble(raw.trim());
      if (v > 0 && !Double.isInfinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below with the param's name
    }
    throw new InvalidSpecException(name + " must be a number of seconds > 0 (got '" + raw + "')");
  }

  private static int wholeNumber(ModelSpec spec, String name, int fallback) {
    String raw = spec.param(name, null);
    if (raw == null) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below with the param's name
    }
    throw new InvalidSpecException(name + " must be a whole number >= 0 (got '" + raw + "')");
  }

  private static HttpClientChoice httpClient(ModelSpec spec) {
    String raw = spec.param("saas.http_client", "auto").trim().toLowerCase(Locale.ROOT);
    return switch (raw) {
      case "auto" -> HttpClientChoice.AUTO;
      case "jdk" -> HttpClientChoice.JDK;
      default -> throw new InvalidSpecException("saas.http_client must be auto or jdk (got '"
          + spec.param("saas.http_client", "") + "')");
    };
  }

  private static Map<String, String> headers(ModelSpec spec) {
    Map<String, String> out = new LinkedHashMap<>();
    spec.inferParams().forEach((k, v) -> {
      if (k.startsWith(HEADER_PREFIX)) {
        String name = k.substring(HEADER_PREFIX.length()).trim();
        if (name.isEmpty() || RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT)) || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
          throw new InvalidSpecException(k + " is not a header that can be sent (use saas.headers.<Name>=<value>, "
              + "not one of " + RESTRICTED_HEADERS + ")");
        }
        out.put(name, v);
      }
    });
    return out;
  }

  @Override
  public String toString() {
    Map<String, String> shownHeaders = new LinkedHashMap<>();
    headers.forEach((k, v) -> shownHeaders.put(k, redactor.apply(v)));
    return "baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : Secrets.MASK) + ", model=" + model
        + ", timeout=" + timeout + ", maxRetries=" + maxRetries + ", headers=" + shownHeaders
        + ", httpClient=" + httpClient.name().toLowerCase(Locale.ROOT);
  }
}
