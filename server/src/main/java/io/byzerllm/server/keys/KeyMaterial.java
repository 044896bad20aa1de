package io.byzerllm.server.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How keys look and are checked. A key is {@code llm-<id>-<secret>}: the id (8 random bytes, hex)
 * finds the stored record without a search over hashes, the secret (32 random bytes) makes it
 * unguessable, so a plain SHA-256 is a safe hash at rest (no salt or slow hash needed for 256 bits
 * of entropy). Hashes are compared in constant time.
 */
public final class KeyMaterial {
  private static final String PREFIX = "llm-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyMaterial() {}

  /** A new key and its id. */
  public record Issued(String id, String key) {
    @Override
    public String toString() {
      return "Issued[id=" + id + ", key=<hidden>]";
    }
  }

  public static Issued issue() {
    byte[] id = new byte[8];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String idHex = HexFormat.of().formatHex(id);
    return new Issued(idHex, PREFIX + idHex + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** The id a presented key names, or null when it is not shaped as one of ours. */
  public static String idOf(String key) {
    if (key == null || !key.startsWith(PREFIX)) {
      return null;
    }
    int dash = key.indexOf('-', PREFIX.length());
    return dash < 0 ? null : key.substring(PREFIX.length(), dash);
  }

  public static String sha256(String key) {
    return HexFormat.of().formatHex(digest(key));
  }

  /** Whether {@code key} hashes to {@code sha256Hex}, in time that does not depend on where they differ. */
  public static boolean matches(String key, String sha256Hex) {
    return MessageDigest.isEqual(digest(key), HexFormat.of().parseHex(sha256Hex));
  }

  /** Constant-time equality of two secrets (the bootstrap key). */
  public static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
