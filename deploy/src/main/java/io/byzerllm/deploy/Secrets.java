package io.byzerllm.deploy;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one rule for which infer_params hold secrets, and the same params with those masked for logs,
 * stat, listings, the CLI's echo and errors. Every place that shows a spec goes through here (or
 * through {@link ModelSpec#redacted()} and {@link ModelSpec#secretValues()}, which do).
 */
public final class Secrets {
  public static final String MASK = "***";
  /** Infer params {@code <prefix>.headers.<Header-Name>} are HTTP headers sent upstream. */
  private static final String HEADERS = "headers.";
  // Parts of a header name that say it carries a credential: Authorization, Proxy-Authorization,
  // X-Api-Key, api-key (Azure), x-goog-api-key, X-Auth-Token, Cookie, X-Amz-Security-Token,
  // X-Signature, X-Session-Id, Ocp-Apim-Subscription-Key ...
  private static final String[] SECRET_HEADER_PARTS = {"auth", "key", "token", "secret", "cookie", "password",
      "signature", "credential", "session"};

  private Secrets() {}

  /**
   * True for names like {@code saas.api_key}, {@code saas.secret_key}, {@code saas.access_token},
   * and for headers that carry a credential ({@code saas.headers.Authorization},
   * {@code saas.headers.X-Api-Key}, see {@link #isSecretHeader}).
   */
  public static boolean isSecretParam(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    int header = n.indexOf(HEADERS);
    if (header >= 0) {
      return isSecretHeader(n.substring(header + HEADERS.length()));
    }
    if (n.endsWith("_file") || n.endsWith("_path") || n.endsWith("tokens")) {
      return false;
    }
    return n.contains("key") || n.contains("secret") || n.endsWith("token") || n.contains("password")
        || n.contains("credential");
  }

  /** True for an HTTP header name that may carry a credential; when in doubt, it is a secret. */
  public static boolean isSecretHeader(String headerName) {
    String h = headerName.toLowerCase(Locale.ROOT);
    for (String part : SECRET_HEADER_PARTS) {
      if (h.contains(part)) {
        return true;
      }
    }
    return false;
  }

  public static Map<String, String> mask(Map<String, String> params) {
    Map<String, String> out = new TreeMap<>();
    params.forEach((k, v) -> out.put(k, isSecretParam(k) ? MASK : v));
    return out;
  }
}
