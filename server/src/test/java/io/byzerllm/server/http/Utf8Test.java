package io.byzerllm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class Utf8Test {
  @Test
  void firstInvalid_wellFormedTextInEveryLength_minusOne() {
    byte[] text = "a é 中文 😀 \u007f \uffff".getBytes(StandardCharsets.UTF_8);

    assertThat(Utf8.firstInvalid(text)).isEqualTo(-1);
    assertThat(Utf8.firstInvalid(new byte[0])).isEqualTo(-1);
  }

  @Test
  void firstInvalid_malformedSequences_indexOfTheirFirstByte() {
    assertThat(Utf8.firstInvalid(bytes('a', 0xFF))).isEqualTo(1);               // never a UTF-8 byte
    assertThat(Utf8.firstInvalid(bytes('a', 0x80))).isEqualTo(1);               // stray continuation
    assertThat(Utf8.firstInvalid(bytes(0xC3, 0x28))).isEqualTo(0);              // second byte not a continuation
    assertThat(Utf8.firstInvalid(bytes('a', 'b', 0xE2, 0x82))).isEqualTo(2);    // truncated at the end
    assertThat(Utf8.firstInvalid(bytes(0xC0, 0xAF))).isEqualTo(0);              // overlong '/'
    assertThat(Utf8.firstInvalid(bytes(0xE0, 0x80, 0xAF))).isEqualTo(0);        // overlong, three bytes
    assertThat(Utf8.firstInvalid(bytes(0xED, 0xA0, 0x80))).isEqualTo(0);        // a surrogate
    assertThat(Utf8.firstInvalid(bytes(0xF4, 0x90, 0x80, 0x80))).isEqualTo(0);  // past U+10FFFF
    assertThat(Utf8.firstInvalid(bytes(0xE4, 0xB8, 0x41))).isEqualTo(0);        // third byte not a continuation
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
