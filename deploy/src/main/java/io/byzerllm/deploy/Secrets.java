package io.byzerllm.deploy;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Which infer_params hold secrets, and the same params with those masked for logs, stat and listings. */
public final class Secrets {
  public static final String MASK = "***";

  private Secrets() {}

  /** True for names like {@code saas.api_key}, {@code saas.secret_key}, {@code saas.access_token}. */
  public static boolean isSecretParam(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith("_file") || n.endsWith("_path") || n.endsWith("tokens")) {
      return false;
    }
    return n.contains("key") || n.contains("secret") || n.endsWith("token") || n.contains("password");
  }

  public static Map<String, String> mask(Map<String, String> params) {
    Map<String, String> out = new TreeMap<>();
    params.forEach((k, v) -> out.put(k, isSecretParam(k) ? MASK : v));
    return out;
  }
}
