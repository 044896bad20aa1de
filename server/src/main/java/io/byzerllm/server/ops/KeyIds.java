package io.byzerllm.server.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Which API key a request came with, by an id that is safe to write down (never the key). The
 * access log asks this once per request; a key store replaces {@link #bootstrap} with its own.
 */
@FunctionalInterface
public interface KeyIds {
  String NONE = "none";
  String BOOTSTRAP = "bootstrap";
  String UNKNOWN = "unknown";

  String of(HttpRequest request);

  /**
   * Only the node's {@code --api_key} exists: {@code bootstrap} for it, {@code unknown} for another
   * key, {@code none} without one (or on a node without a key).
   */
  static KeyIds bootstrap(String apiKey) {
    if (apiKey == null) {
      return r -> NONE;
    }
    byte[] expected = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    return r -> r.getHeader("Authorization")
        .map(h -> MessageDigest.isEqual(h.value().getBytes(StandardCharsets.UTF_8), expected) ? BOOTSTRAP : UNKNOWN)
        .orElse(NONE);
  }
}
