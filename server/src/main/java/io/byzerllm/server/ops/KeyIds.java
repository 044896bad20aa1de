package io.byzerllm.server.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import io.byzerllm.server.keys.Caller;
import io.byzerllm.server.keys.KeyRing;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * Which API key a request came with, by an id that is safe to write down (never the key). The
 * access log asks this once per request, after the answer.
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

  /**
   * Issued keys by their id, the node's {@code --api_key} as {@code bootstrap}, {@code unknown} for a
   * key the ring does not know (a 401), {@code none} without one or on a node without a key.
   */
  static KeyIds from(KeyRing ring) {
    return r -> {
      String authorization = r.getHeader("Authorization").map(h -> h.value()).orElse(null);
      if (authorization == null) {
        return NONE;
      }
      Caller caller = ring.authenticate(authorization);
      if (caller == null) {
        return UNKNOWN;
      }
      return caller.keyId() == null ? NONE : caller.keyId();
    };
  }
}
