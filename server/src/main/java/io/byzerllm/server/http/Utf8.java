package io.byzerllm.server.http;

/**
 * Whether bytes are well-formed UTF-8 (RFC 3629): no stray continuation bytes, no truncated
 * sequences, no overlong forms, no surrogates, nothing past U+10FFFF. One pass, no allocation.
 */
final class Utf8 {
  private Utf8() {}

  /** The index of the first byte that is not part of well-formed UTF-8, or -1 when all are. */
  static int firstInvalid(byte[] bytes) {
    int i = 0;
    int n = bytes.length;
    while (i < n) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        i++;
        continue;
      }
      int length;
      int min; // the smallest second byte allowed, which rules out overlong forms and surrogates
      int max;
      if (b >= 0xC2 && b <= 0xDF) {
        length = 2; min = 0x80; max = 0xBF;
      } else if (b == 0xE0) {
        length = 3; min = 0xA0; max = 0xBF;
      } else if (b >= 0xE1 && b <= 0xEC || b == 0xEE || b == 0xEF) {
        length = 3; min = 0x80; max = 0xBF;
      } else if (b == 0xED) {
        length = 3; min = 0x80; max = 0x9F; // U+D800..U+DFFF are surrogates, not characters
      } else if (b == 0xF0) {
        length = 4; min = 0x90; max = 0xBF;
      } else if (b >= 0xF1 && b <= 0xF3) {
        length = 4; min = 0x80; max = 0xBF;
      } else if (b == 0xF4) {
        length = 4; min = 0x80; max = 0x8F; // nothing past U+10FFFF
      } else {
        return i;
      }
      if (i + length > n) {
        return i;
      }
      int second = bytes[i + 1] & 0xFF;
      if (second < min || second > max) {
        return i;
      }
      for (int k = 2; k < length; k++) {
        if ((bytes[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += length;
    }
    return -1;
  }
}
