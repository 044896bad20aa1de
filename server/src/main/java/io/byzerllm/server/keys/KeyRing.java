package io.byzerllm.server.keys;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The keys this node accepts: the bootstrap key ({@code --api_key}) and the issued keys, an
 * immutable snapshot of the cluster's key table kept current by {@link KeyTable} and read by every
 * request without a message.
 */
public final class KeyRing {
  private final String bootstrap;
  private final AtomicReference<Map<String, ApiKey>> byId = new AtomicReference<>(Map.of());

  /** {@code bootstrap}: the node's --api_key, or null for an open node. */
  public KeyRing(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /** Whether requests need a key at all (the node was started with --api_key). */
  public boolean guarded() {
    return bootstrap != null;
  }

  /**
   * The caller a {@code Authorization} header value names, or null when it names none (missing,
   * wrong or revoked key on a guarded node).
   */
  public Caller authenticate(String authorization) {
    if (bootstrap == null) {
      return Caller.OPEN;
    }
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return null;
    }
    String presented = authorization.substring("Bearer ".length()).strip();
    String id = KeyMaterial.idOf(presented);
    ApiKey key = id == null ? null : byId.get().get(id);
    if (key != null) {
      return KeyMaterial.matches(presented, key.sha256()) ? new Caller.Keyed(key) : null;
    }
    return KeyMaterial.same(presented, bootstrap) ? Caller.BOOTSTRAP : null;
  }

  public Map<String, ApiKey> keys() {
    return byId.get();
  }

  void replace(Map<String, ApiKey> keys) {
    byId.set(Map.copyOf(keys));
  }
}
