package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON literals in tests. */
final class TestJson {
  private TestJson() {}

  static JsonNode parse(String json) {
    try {
      return SaasJson.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
