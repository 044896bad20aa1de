package io.byzerllm.server.ops;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ForwardedAnswer;
import io.byzerllm.worker.Usage;
import io.byzerllm.worker.openai.UsageParser;
import java.io.IOException;

/**
 * The tokens a worker's answer reports. A forwarded chat's answer is the provider's bytes: its
 * {@code usage} is found by one streaming pass (no tree), done only when requests are counted.
 */
final class AnswerTokens {
  private static final JsonFactory JSON = new JsonFactory();

  private AnswerTokens() {}

  static Usage of(Object value) {
    if (value instanceof ChatResult c) {
      return c.usage();
    }
    if (value instanceof EmbeddingResult e) {
      return e.usage();
    }
    if (value instanceof ForwardedAnswer f) {
      return scan(f.body());
    }
    return Usage.NONE;
  }

  static Usage scan(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Usage.NONE;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("usage") && value == JsonToken.START_OBJECT) {
          return UsageParser.read(p);
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      // the provider's body is passed on as it is; a body we cannot read counts no tokens
    }
    return Usage.NONE;
  }
}
