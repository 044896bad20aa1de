package io.byzerllm.worker.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.byzerllm.worker.Usage;
import java.io.IOException;

/** OpenAI's {@code usage} object read in a streaming pass, for bodies and events passed on as bytes (no tree). */
public final class UsageParser {
  private UsageParser() {}

  /** The usage object the parser is on (its {@code START_OBJECT}); the parser ends on its {@code END_OBJECT}. */
  public static Usage read(JsonParser p) throws IOException {
    int prompt = 0;
    int completion = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_NUMBER_INT && field.equals("prompt_tokens")) {
        prompt = p.getIntValue();
      } else if (value == JsonToken.VALUE_NUMBER_INT && field.equals("completion_tokens")) {
        completion = p.getIntValue();
      } else {
        p.skipChildren();
      }
    }
    return new Usage(prompt, completion);
  }
}
