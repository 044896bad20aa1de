package io.byzerllm.server.ops;

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
  String UNKNOWN = "unknown";

  String of(HttpRequest request);

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
