package io.byzerllm.server.http;

import org.apache.pekko.util.ByteString;

/**
 * The {@code total_tokens} an OpenAI-shaped answer reports (a completion, an embeddings answer, or
 * the usage chunk of a stream), found by a byte search rather than a parse: only keys with a
 * tokens-per-minute limit pay for it.
 */
final class UsageScan {
  private static final byte[] FIELD = "\"total_tokens\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private UsageScan() {}

  /** The last {@code "total_tokens": N} in {@code bytes}, or 0 when there is none. */
  static long totalTokens(ByteString bytes) {
    byte[] b = bytes.toArray();
    int at = lastIndexOf(b);
    if (at < 0) {
      return 0;
    }
    int i = at + FIELD.length;
    while (i < b.length && (b[i] == ':' || b[i] == ' ')) {
      i++;
    }
    long value = 0;
    while (i < b.length && b[i] >= '0' && b[i] <= '9' && value < Long.MAX_VALUE / 10) {
      value = value * 10 + (b[i] - '0');
      i++;
    }
    return value;
  }

  private static int lastIndexOf(byte[] b) {
    outer:
    for (int at = b.length - FIELD.length; at >= 0; at--) {
      for (int j = 0; j < FIELD.length; j++) {
        if (b[at + j] != FIELD[j]) {
          continue outer;
        }
      }
      return at;
    }
    return -1;
  }
}
