package io.byzerllm.storage;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.net.URI;
import java.time.Duration;

/**
 * Where an {@link ElasticsearchStore} connects and how it authenticates: an API key, or a user and password (basic
 * auth), or neither (a cluster without security). {@link #toString} never shows a secret; a URL with credentials
 * in it ({@code http://user:pass@host:9200}) is refused, so they cannot end up in a log line.
 *
 * @param requestTimeout the longest one request may take; a slower answer is UPSTREAM_TIMEOUT
 */
public record ElasticsearchConfig(String url, String apiKey, String username, String password, Duration requestTimeout) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public ElasticsearchConfig {
    if (url == null || url.isBlank()) {
      throw invalid("es_url is required for the elasticsearch backend, e.g. http://127.0.0.1:9200");
    }
    URI u;
    try {
      u = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw invalid("es_url '" + url + "' is not a URL; use http(s)://host:port");
    }
    if (u.getRawUserInfo() != null) {
      throw invalid("es_url must not carry credentials; pass --es_api_key, or --es_username with --es_password");
    }
    if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
      throw invalid("es_url '" + url + "' needs http:// or https:// and a host, e.g. http://127.0.0.1:9200");
    }
    url = url.strip().replaceAll("/+$", "");
    apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    username = username == null || username.isBlank() ? null : username;
    if (apiKey != null && username != null) {
      throw invalid("give es_api_key or es_username/es_password, not both");
    }
    if (username != null && password == null) {
      throw invalid("es_username '" + username + "' needs es_password");
    }
    requestTimeout = requestTimeout == null ? DEFAULT_TIMEOUT : requestTimeout;
  }

  public static ElasticsearchConfig of(String url) {
    return new ElasticsearchConfig(url, null, null, null, null);
  }

  public static ElasticsearchConfig withApiKey(String url, String apiKey) {
    return new ElasticsearchConfig(url, apiKey, null, null, null);
  }

  @Override
  public String toString() {
    return "ElasticsearchConfig[url=" + url + (apiKey != null ? ", api_key=***" : "")
        + (username != null ? ", username=" + username + ", password=***" : "") + ", timeout=" + requestTimeout + "]";
  }

  private static LlmException invalid(String message) {
    return new LlmException(ErrorKind.INVALID_REQUEST, message);
  }
}
