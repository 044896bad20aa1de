package io.byzerllm.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --infer_params} in every shape users write it: {@code k=v} tokens (byzerllm's
 * {@code nargs="+"}), one string of space-separated pairs, or a YAML/JSON map. Values stay strings.
 */
public final class InferParams {
  private InferParams() {}

  public static Map<String, String> parse(Object raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    if (raw instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
      return out;
    }
    List<?> tokens = raw instanceof List<?> l ? l : List.of(raw.toString().trim().split("\\s+"));
    for (Object t : tokens) {
      String token = String.valueOf(t).trim();
      if (token.isEmpty()) {
        continue;
      }
      int eq = token.indexOf('=');
      if (eq <= 0) {
        throw new InvalidSpecException("--infer_params takes key=value pairs, e.g. saas.model=deepseek-chat (got '"
            + token + "')");
      }
      out.put(token.substring(0, eq).trim(), unquote(token.substring(eq + 1).trim()));
    }
    return out;
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }
}
